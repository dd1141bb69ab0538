package dev.fencedstate.spring.boot.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Java snippet of the Spring READMEs compiles as printed, imports included: each {@code ```java} block is
 * preceded by {@code <!-- snippet: PATH -->} and must equal, character for character, that file of the repository's
 * test sources, which the build compiles (and a test of its module runs). In the root README the rule covers the
 * Spring section; in the integration modules' READMEs, every Java block.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final String MARKER = "<!-- snippet: ";

    /** A Java block of a README, with the file it claims to be, if it names one. */
    record Block(int line, String file, String code) {
    }

    static List<Block> javaBlocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            String previous = i > 0 ? lines.get(i - 1).strip() : "";
            String file = previous.startsWith(MARKER) && previous.endsWith("-->")
                    ? previous.substring(MARKER.length(), previous.length() - 3).strip() : null;
            StringBuilder code = new StringBuilder();
            int j = i + 1;
            for (; j < lines.size() && !lines.get(j).strip().equals("```"); j++) {
                code.append(lines.get(j)).append('\n');
            }
            blocks.add(new Block(i + 1, file, code.toString()));
            i = j;
        }
        return blocks;
    }

    /** The lines of the section that starts at heading {@code heading}, up to the next heading of its level. */
    static List<String> section(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertThat(start).as("heading %s", heading).isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        return lines.subList(start, end);
    }

    private static void check(String readme, List<String> lines) throws IOException {
        List<Block> blocks = javaBlocks(lines);
        assertThat(blocks).as("Java blocks in %s", readme).isNotEmpty();
        for (Block block : blocks) {
            assertThat(block.file()).as("%s, block at line %d: no '%s...-->' line names its source", readme,
                    block.line(), MARKER).isNotNull();
            Path source = ROOT.resolve(block.file());
            assertThat(source).as("%s names %s", readme, block.file()).isRegularFile();
            assertThat(source.toString()).as("snippets live in test sources, which the build compiles")
                    .contains("/src/test/java/");
            assertThat(block.code()).as("%s, block at line %d, against %s", readme, block.line(), block.file())
                    .isEqualTo(Files.readString(source, StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"integrations/fencedstate-spring/README.md", "integrations/fencedstate-micrometer/README.md",
            "integrations/fencedstate-spring-boot-starter/README.md"})
    void integrationReadmes(String readme) throws IOException {
        check(readme, Files.readAllLines(ROOT.resolve(readme), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = "README.md")
    void springSectionOfTheRootReadme(String readme) throws IOException {
        check(readme + " (## Spring Boot)", section(Files.readAllLines(ROOT.resolve(readme), StandardCharsets.UTF_8),
                "## Spring Boot"));
    }
}
