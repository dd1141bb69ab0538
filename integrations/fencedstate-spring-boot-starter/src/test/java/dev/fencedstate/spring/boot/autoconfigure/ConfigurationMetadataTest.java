package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.FencedStore;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.ValueTooLargeException;
import dev.fencedstate.jdbc.JdbcStorage;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.storage.FileStorageProvider;
import dev.fencedstate.spring.storage.JdbcStorageProvider;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * IDEs complete the properties from the metadata the configuration processor generates at build time, merged with
 * the hand-written additional metadata. The defaults it documents are core's and the backends' own: this test fails
 * if they drift apart.
 */
class ConfigurationMetadataTest {

    private static Map<String, JsonNode> properties() throws Exception {
        JsonNode metadata;
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
            metadata = JsonMapper.shared().readTree(in);
        }
        assertThat(metadata.get("hints").valueStream()
                .filter(h -> h.get("name").asString().equals("fencedstate.backend"))
                .flatMap(h -> h.get("values").valueStream().map(v -> v.get("value").asString())))
                .containsExactly("files", "memory", "jdbc");
        return metadata.get("properties").valueStream()
                .collect(Collectors.toMap(p -> p.get("name").asString(), p -> p, (a, b) -> a));
    }

    @Test
    @DisplayName("every property is listed with a description, including the retry time budget and the backends'")
    void listed() throws Exception {
        Map<String, JsonNode> properties = properties();
        assertThat(properties).containsKeys("fencedstate.enabled", "fencedstate.backend", "fencedstate.writer-id",
                "fencedstate.default-lease", "fencedstate.max-value-size", "fencedstate.updates-take-turns",
                "fencedstate.retry.max-attempts", "fencedstate.retry.max-elapsed", "fencedstate.retry.initial-backoff",
                "fencedstate.retry.multiplier", "fencedstate.retry.max-backoff", "fencedstate.retry.jitter",
                "fencedstate.stores", "fencedstate.web.problems.enabled", "fencedstate.files.directory",
                "fencedstate.files.lock-timeout", "fencedstate.jdbc.table", "fencedstate.jdbc.store",
                "fencedstate.jdbc.create-schema", "management.endpoint.fencedstates.access");
        assertThat(properties.values()).filteredOn(p -> p.get("name").asString().startsWith("fencedstate."))
                .allSatisfy(p -> assertThat(p.has("description") && !p.get("description").asString().isBlank())
                        .as("description of %s", p.get("name").asString()).isTrue());
    }

    @Test
    @DisplayName("each built-in backend's settings type has every one of its properties in the metadata")
    void backendSettings() throws Exception {
        Map<String, JsonNode> properties = properties();
        List<FencedStorageProvider<?>> providers = List.of(new FileStorageProvider(java.time.Clock.systemUTC()),
                new JdbcStorageProvider(new PGSimpleDataSource()));
        for (FencedStorageProvider<?> provider : providers) {
            PropertyDescriptor[] beanProperties = Introspector.getBeanInfo(provider.settingsType(), Object.class)
                    .getPropertyDescriptors();
            assertThat(beanProperties).isNotEmpty();
            for (PropertyDescriptor property : beanProperties) {
                String name = "fencedstate." + provider.backend() + "." + kebab(property.getName());
                assertThat(properties).as("metadata of %s", name).containsKey(name);
                assertThat(properties.get(name).get("sourceType").asString())
                        .isEqualTo(provider.settingsType().getName());
            }
        }
    }

    @Test
    @DisplayName("the documented defaults are core's and the backends' own (no copy can drift)")
    void defaultsAreCores() throws Exception {
        Map<String, JsonNode> properties = properties();
        RetryPolicy core = RetryPolicy.DEFAULT;
        assertThat(properties.get("fencedstate.retry.max-attempts").get("defaultValue").asInt())
                .isEqualTo(core.maxAttempts());
        assertThat(duration(properties, "fencedstate.retry.max-elapsed")).isEqualTo(core.maxElapsed());
        assertThat(duration(properties, "fencedstate.retry.initial-backoff")).isEqualTo(core.initialBackoff());
        assertThat(properties.get("fencedstate.retry.multiplier").get("defaultValue").asDouble())
                .isEqualTo(core.multiplier());
        assertThat(duration(properties, "fencedstate.retry.max-backoff")).isEqualTo(core.maxBackoff());
        assertThat(properties.get("fencedstate.retry.jitter").get("defaultValue").asDouble()).isEqualTo(core.jitter());

        FencedStore plain = FencedStore.builder(new InMemoryStorage()).build();
        assertThat(duration(properties, "fencedstate.default-lease")).isEqualTo(plain.defaultLease());
        long maxValueBytes = DataSize.parse(properties.get("fencedstate.max-value-size").get("defaultValue")
                .asString()).toBytes();
        assertThatThrownBy(() -> plain.update("k", s -> new byte[(int) maxValueBytes + 1]))
                .isInstanceOfSatisfying(ValueTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(maxValueBytes));
        assertThat(properties.get("fencedstate.updates-take-turns").get("defaultValue").asBoolean()).isTrue();

        assertThat(properties.get("fencedstate.backend").get("defaultValue").asString())
                .isEqualTo(FencedStateProperties.DEFAULT_BACKEND);
        assertThat(properties.get("fencedstate.files.directory").get("defaultValue").asString())
                .isEqualTo(FileStorageProvider.DEFAULT_DIRECTORY);
        assertThat(properties.get("fencedstate.jdbc.table").get("defaultValue").asString())
                .isEqualTo(JdbcStorage.DEFAULT_TABLE);
        assertThat(properties.get("fencedstate.jdbc.create-schema").get("defaultValue").asBoolean()).isTrue();
    }

    private static Duration duration(Map<String, JsonNode> properties, String name) {
        return DurationStyle.detectAndParse(properties.get(name).get("defaultValue").asString());
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
