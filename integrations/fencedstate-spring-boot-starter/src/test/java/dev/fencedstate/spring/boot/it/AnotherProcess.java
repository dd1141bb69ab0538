package dev.fencedstate.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedStores;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes another process's commit land between an update's read and its commit, so the update conflicts once. */
public final class AnotherProcess {

    private AnotherProcess() {
    }

    /**
     * Creates {@code key} of the {@code tasks} store, then updates it while a writer of another process (a store of
     * its own over the same storage, whose updates do not take turns with this one's) commits in between: the update
     * loses once, recomputes from the other writer's value, and lands.
     */
    public static void forceOneConflict(FencedRepository<Task> tasks, FencedStores stores, String key) {
        tasks.update(key, new Task("survey", List.of()), task -> task);
        FencedStore otherProcess = FencedStore.builder(stores.store(tasks.storeName()).storage())
                .writerId("other-process").build();
        AtomicInteger computations = new AtomicInteger();
        tasks.update(key, task -> {
            if (computations.incrementAndGet() == 1) {
                otherProcess.update(key, snapshot -> "{\"title\":\"survey\",\"results\":[\"agent-b\"]}"
                        .getBytes(StandardCharsets.UTF_8));
            }
            return task.withResult("agent-a");
        });
        assertThat(tasks.get(key).orElseThrow().results()).containsExactly("agent-b", "agent-a");
        assertThat(computations).hasValue(2);
    }
}
