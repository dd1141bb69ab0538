package dev.fencedstate.spring.repository;

import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/** Writes and reads one repository's values as JSON with the application's {@link JsonMapper}. */
final class JsonValueCodec<T> {

    private final JsonMapper mapper;
    private final JavaType type;
    private final String storeName;

    JsonValueCodec(JsonMapper mapper, java.lang.reflect.Type valueType, String storeName) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.type = mapper.getTypeFactory().constructType(valueType);
        this.storeName = storeName;
    }

    byte[] encode(String key, T value) {
        if (value == null) {
            throw new InvalidDataAccessApiUsageException("Cannot store null for key '" + Keys.printable(key)
                    + "' of store '" + storeName + "': a value is required; use delete to remove a key's value.");
        }
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new InvalidDataAccessApiUsageException("Cannot write the value for key '" + Keys.printable(key)
                    + "' of store '" + storeName + "' as JSON of " + type + ": " + e.getOriginalMessage(), e);
        }
    }

    @Nullable T decode(Snapshot snapshot) {
        byte[] bytes = snapshot.value().orElse(null);
        if (bytes == null) {
            return null;
        }
        try {
            return mapper.readValue(bytes, type);
        } catch (JacksonException e) {
            throw new DataRetrievalFailureException("Key '" + Keys.printable(snapshot.key()) + "' of store '"
                    + storeName + "' holds a value that cannot be read as " + type + " (version "
                    + snapshot.version() + ", written by " + snapshot.lastWriter().orElse("unknown") + "): "
                    + e.getOriginalMessage(), e);
        }
    }

    JavaType type() {
        return type;
    }
}
