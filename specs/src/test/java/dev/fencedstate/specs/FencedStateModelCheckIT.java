package dev.fencedstate.specs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-checks the commit protocol (FencedState.tla) with TLC: the real protocol must satisfy every invariant, and
 * every mutant in {@code mutants/} (one guard of the code removed) must violate the invariant its file names.
 */
@DisplayName("TLC model checking of the commit protocol")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FencedStateModelCheckIT {

    private static final Path SPECS = Path.of("").toAbsolutePath();
    private static final Path SPEC = SPECS.resolve("FencedState.tla");
    private static final Path CI_CONFIG = SPECS.resolve("FencedState.cfg");
    private static final Path MUTANTS = SPECS.resolve("mutants");
    private static final Path WORK = SPECS.resolve("target").resolve("tlc");
    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final Pattern EXPECT = Pattern.compile("^\\\\\\* expect: ((?:invariant|property) \\w+)$",
            Pattern.MULTILINE);

    /** The real protocol's check is the long one: it runs on one core while the mutants run on the other. */
    private static Tlc.@Nullable Started realProtocol;

    @BeforeAll
    static void startRealProtocolCheck() throws IOException {
        realProtocol = Tlc.start(SPEC, CI_CONFIG, WORK.resolve("FencedState"));
    }

    @AfterAll
    static void stopRealProtocolCheck() throws InterruptedException {
        if (realProtocol != null) {
            realProtocol.stop();
        }
    }

    @Test
    @Order(3)
    @DisplayName("the real protocol satisfies every invariant and property")
    void realProtocolHoldsEveryInvariant() throws Exception {
        Tlc.Run run = Objects.requireNonNull(realProtocol).await(TIMEOUT);
        System.out.println(run.summary());

        assertThat(run.exitCode()).as(run.output()).isEqualTo(Tlc.SUCCESS);
        assertThat(run.output()).contains("Model checking completed. No error has been found.");
        // A run that explored almost nothing would pass vacuously; the CI configuration reaches ~300k states.
        assertThat(run.distinctStates()).isGreaterThan(100_000);
    }

    @ParameterizedTest(name = "{0}")
    @Order(1)
    @MethodSource("mutants")
    @DisplayName("each mutant violates the invariant it names")
    void mutantViolatesItsInvariant(String name) throws Exception {
        Path config = MUTANTS.resolve(name);
        String expected = expectedViolation(config);

        Tlc.Run run = Tlc.check(SPEC, config, WORK.resolve(name.replace(".cfg", "")), TIMEOUT);
        System.out.println(run.summary());

        int expectedExit = expected.startsWith("invariant") ? Tlc.VIOLATION_SAFETY : Tlc.VIOLATION_PROPERTY;
        assertThat(run.violation()).as(run.output()).contains(expected);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(expectedExit);
    }

    @Test
    @Order(2)
    @DisplayName("every guard has a mutant, and every invariant and property is broken by one")
    void mutantsCoverEveryGuardAndEveryInvariant() throws IOException {
        String spec = Files.readString(SPEC, StandardCharsets.UTF_8);
        Set<String> guards = quotedNames(between(spec, "Mutants == {", "}"));
        guards.remove("none");
        Set<String> switched = new TreeSet<>();
        Set<String> broken = new TreeSet<>();
        for (String name : mutants().toList()) {
            String config = Files.readString(MUTANTS.resolve(name), StandardCharsets.UTF_8);
            switched.addAll(quotedNames(between(config, "Mutant = ", "\n")));
            broken.add(expectedViolation(MUTANTS.resolve(name)).split(" ")[1]);
        }
        String ciConfig = Files.readString(CI_CONFIG, StandardCharsets.UTF_8);
        Set<String> checked = new TreeSet<>();
        checked.addAll(words(between(ciConfig, "INVARIANTS", "\n")));
        checked.addAll(words(between(ciConfig, "PROPERTIES", "\n")));

        assertThat(switched).isEqualTo(guards);
        assertThat(broken).isEqualTo(checked);
        assertThat(checked).contains("TypeOK", "NoLostUpdate", "NoStaleApply", "ExclusiveClaim",
                "MonotonicVersion", "MonotonicEpoch");
    }

    static Stream<String> mutants() throws IOException {
        try (Stream<Path> files = Files.list(MUTANTS)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".cfg")).sorted()
                    .toList().stream();
        }
    }

    private static String expectedViolation(Path config) throws IOException {
        Matcher matcher = EXPECT.matcher(Files.readString(config, StandardCharsets.UTF_8));
        if (!matcher.find()) {
            throw new AssertionError(config + " does not say which invariant it breaks (a line '\\* expect: ...')");
        }
        return matcher.group(1);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("'%s' in the text", start).isNotNegative();
        int to = text.indexOf(end, from + start.length());
        return text.substring(from + start.length(), to);
    }

    private static Set<String> quotedNames(String text) {
        Matcher matcher = Pattern.compile("\"(\\w+)\"").matcher(text);
        Set<String> names = new TreeSet<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(word -> !word.isEmpty())
                .collect(Collectors.toList());
    }
}
