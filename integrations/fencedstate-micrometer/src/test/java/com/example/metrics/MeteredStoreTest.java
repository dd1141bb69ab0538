package com.example.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's plain-Java example, as printed (the starter's ReadmeSnippetsTest checks it is this file). */
class MeteredStoreTest {

    @Test
    void commitsAndUpdatesAreMeters(@TempDir Path directory) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FencedStore store = MeteredStore.open(directory, registry)) {
            store.update("plan-42", plan -> "step 1".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(registry.get("fencedstate.commits").tags("store", "plans", "outcome", "committed").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("fencedstate.update.attempts").tags("store", "plans", "outcome", "committed")
                .summary().totalAmount()).isEqualTo(1);
    }
}
