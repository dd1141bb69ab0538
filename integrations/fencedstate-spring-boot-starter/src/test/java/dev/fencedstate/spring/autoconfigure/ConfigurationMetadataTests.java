package dev.fencedstate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.jdbc.JdbcStorage;
import java.io.InputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** IDEs complete the properties from the metadata the configuration processor generates at build time. */
class ConfigurationMetadataTests {

    @Test
    @DisplayName("the generated metadata lists every property with its description and default, and hints for the backend")
    void generated() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
            metadata = JsonMapper.shared().readTree(in);
        }
        assertThat(metadata.get("properties").valueStream().map(p -> p.get("name").asString()))
                .contains("fencedstate.enabled", "fencedstate.backend", "fencedstate.writer-id",
                        "fencedstate.default-lease", "fencedstate.max-value-size", "fencedstate.files.directory",
                        "fencedstate.files.lock-timeout", "fencedstate.retry.max-attempts",
                        "fencedstate.retry.initial-backoff", "fencedstate.retry.multiplier",
                        "fencedstate.retry.max-backoff", "fencedstate.retry.jitter", "fencedstate.stores",
                        "fencedstate.jdbc.table", "fencedstate.jdbc.create-schema",
                        "management.endpoint.fencedstates.access");
        assertThat(metadata.get("properties").valueStream()
                .filter(p -> p.get("name").asString().startsWith("fencedstate."))
                .allMatch(p -> p.has("description") && !p.get("description").asString().isBlank())).isTrue();
        assertThat(metadata.get("properties").valueStream()
                .filter(p -> p.get("name").asString().equals("fencedstate.retry.max-attempts"))
                .map(p -> p.get("defaultValue").asInt())).containsExactly(10);
        assertThat(metadata.get("properties").valueStream()
                .filter(p -> p.get("name").asString().equals("fencedstate.jdbc.table"))
                .map(p -> p.get("defaultValue").asString())).containsExactly(JdbcStorage.DEFAULT_TABLE);
        assertThat(metadata.get("properties").valueStream()
                .filter(p -> p.get("name").asString().equals("fencedstate.jdbc.create-schema"))
                .map(p -> p.get("defaultValue").asBoolean())).containsExactly(true);
        assertThat(metadata.get("hints").valueStream()
                .filter(h -> h.get("name").asString().equals("fencedstate.backend"))
                .flatMap(h -> h.get("values").valueStream().map(v -> v.get("value").asString())))
                .containsExactly("files", "memory", "jdbc");
    }
}
