package dev.fencedstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void acceptsPrintableTextUpToTheLimit() {
        assertThat(Keys.requireValid("plans/42")).isEqualTo("plans/42");
        assertThat(Keys.requireValid("x".repeat(Keys.MAX_KEY_BYTES))).hasSize(Keys.MAX_KEY_BYTES);
        assertThat(Keys.requireValid("\uD83D\uDE80")).isEqualTo("\uD83D\uDE80");
    }

    @Test
    void refusesWithAReasonThatSaysWhy() {
        assertThatThrownBy(() -> Keys.requireValid(null)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("must not be null");
        assertThatThrownBy(() -> Keys.requireValid("")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> Keys.requireValid("a\u0000b")).hasMessageContaining("U+0000 at index 1");
        assertThatThrownBy(() -> Keys.requireValid("a\uD800")).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Keys.requireValid("ü".repeat(257))).hasMessageContaining("514 bytes");
    }

    @Test
    void printableEscapesControlCharactersAndShortensFloods() {
        assertThat(Keys.printable("a\nb\u001b")).isEqualTo("a\\u000Ab\\u001B");
        String flood = Keys.printable("k".repeat(100_000));
        assertThat(flood).hasSizeLessThan(200).endsWith("...(100000 chars)");
        InvalidKeyException e = new InvalidKeyException("evil\r\nFAKE LOG LINE", "test");
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
    }
}
