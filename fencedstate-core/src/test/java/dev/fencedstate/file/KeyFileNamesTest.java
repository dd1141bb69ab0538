package dev.fencedstate.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyFileNamesTest {

    @Test
    void namesUseOnlyASafeLowercaseAlphabet() {
        for (String key : List.of("../../etc/passwd", "..", ".", "a/b", "a\\b", "CON", "Plan", "é", "\uD83D\uDE80",
                "x y", "%41", "~t")) {
            String name = KeyFileNames.nameOf(key);
            assertThat(name).as(key).matches("[a-z0-9_%-]+").doesNotContain("..").doesNotContain("/");
            assertThat(KeyFileNames.keyOf(name)).as("decodes back").isEqualTo(key);
        }
        assertThat(KeyFileNames.nameOf("Plan")).isEqualTo("%50lan");
        assertThat(KeyFileNames.nameOf("../x")).isEqualTo("%2e%2e%2fx");
    }

    @Test
    void distinctKeysGetNamesThatDifferEvenOnACaseInsensitiveDisk() {
        Random random = new Random(2024);
        String alphabet = "aAbB%._/-~\\zZ09é";
        Set<String> keys = new HashSet<>();
        Set<String> foldedNames = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            StringBuilder key = new StringBuilder();
            int length = 1 + random.nextInt(6);
            for (int j = 0; j < length; j++) {
                key.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (keys.add(key.toString())) {
                String folded = KeyFileNames.nameOf(key.toString()).toLowerCase(Locale.ROOT);
                assertThat(foldedNames.add(folded)).as("collision for %s", key).isTrue();
            }
        }
    }

    @Test
    void longNamesAreHashedAndStayShort() {
        List<String> longKeys = new ArrayList<>();
        longKeys.add("k".repeat(201));
        longKeys.add("K".repeat(100));
        longKeys.add("é".repeat(200));
        for (String key : longKeys) {
            String name = KeyFileNames.nameOf(key);
            assertThat(name).startsWith("~").hasSize(65).matches("~[0-9a-f]{64}");
            assertThat(KeyFileNames.keyOf(name)).isNull();
        }
        assertThat(KeyFileNames.nameOf("k".repeat(200))).isEqualTo("k".repeat(200));
    }

    @Test
    void foreignNamesDoNotDecode() {
        assertThat(KeyFileNames.keyOf("UPPER")).isNull();
        assertThat(KeyFileNames.keyOf("bad%2")).isNull();
        assertThat(KeyFileNames.keyOf("bad%zz")).isNull();
        assertThat(KeyFileNames.keyOf("")).isNull();
    }
}
