package com.example.metrics;

import dev.fencedstate.FencedStore;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.micrometer.FencedStateMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

public final class MeteredStore {

    private MeteredStore() {
    }

    /** A store whose commits, updates and claims are meters of {@code registry}, tagged store=plans. */
    public static FencedStore open(Path directory, MeterRegistry registry) {
        return FencedStore.builder(FileStorage.open(directory))
                .name("plans")
                .listener(new FencedStateMeters(registry, "plans"))
                .build();
    }
}
