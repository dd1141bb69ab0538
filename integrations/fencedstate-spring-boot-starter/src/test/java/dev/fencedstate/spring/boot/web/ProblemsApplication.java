package dev.fencedstate.spring.boot.web;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.ForwardingStorage;
import dev.fencedstate.spi.StateStorage;
import dev.fencedstate.spi.StoredRecord;
import dev.fencedstate.spring.FencedStorageProvider;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.autoconfigure.FencedStateAutoConfiguration;
import dev.fencedstate.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application whose one controller makes each fencedstate failure happen for real, through a repository or a
 * store, and lets it escape: the starter's problem mapping answers it. Store {@code notes} is on the in-memory
 * backend; store {@code flaky} on a backend whose conditional writes fail.
 */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class ProblemsApplication {

    @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
    ManualClock fencedStateClock() {
        return ManualClock.create();
    }

    /** Backend {@code flaky}: reads work, every conditional write fails with an unknown or a known outcome. */
    @Bean
    FencedStorageProvider<Void> flakyBackend() {
        return new FencedStorageProvider<>() {
            @Override
            public String backend() {
                return "flaky";
            }

            @Override
            public Class<Void> settingsType() {
                return Void.class;
            }

            @Override
            public StateStorage open(String storeName, @Nullable Void settings) {
                return new ForwardingStorage(new InMemoryStorage()) {
                    @Override
                    public @Nullable StoredRecord compareAndSet(@Nullable StoredRecord expected,
                            StoredRecord replacement) {
                        boolean unknown = replacement.value() != null && replacement.value().length > 1;
                        throw new StorageFailureException(replacement.key(), "connection to db-7.internal:5432 "
                                + "reset by peer", !unknown, null, null);
                    }
                };
            }
        };
    }

    @RestController
    static class FailingController {

        private final NoteStore notes;
        private final FencedStores stores;
        private final ManualClock clock;

        FailingController(NoteStore notes, FencedStores stores, ManualClock clock) {
            this.notes = notes;
            this.stores = stores;
            this.clock = clock;
        }

        /** The normal case: append a line, creating the note on its first line. */
        @PostMapping("/notes/{id}/lines/{line}")
        Note append(@PathVariable String id, @PathVariable String line) {
            return notes.update(id, Note.empty(), note -> note.with(line));
        }

        @PostMapping("/fail/version-conflict")
        String versionConflict() {
            FencedStore store = stores.store("notes");
            Snapshot base = store.read("vc");
            store.commit(base, bytes("{\"lines\":[\"first\"]}"));
            store.commit(base, bytes("{\"lines\":[\"stale\"]}")); // based on a version that moved: a conflict
            return "unreachable";
        }

        /** Another process lands between every attempt's read and commit, so the update gives up. */
        @PostMapping("/fail/retries-exhausted")
        Note retriesExhausted() {
            FencedStore otherProcess = FencedStore.builder(stores.store("notes").storage()).writerId("other-process")
                    .build();
            return notes.update("busy", Note.empty(), note -> {
                otherProcess.update("busy", snapshot -> bytes("{\"lines\":[\"theirs\"]}"));
                return note.with("mine");
            });
        }

        @PostMapping("/fail/fenced-write")
        String fencedWrite() {
            Claim zombie = notes.claim("fenced", Duration.ofSeconds(10));
            clock.advance(Duration.ofSeconds(11));
            notes.claim("fenced");
            notes.commit(zombie, Note.empty().with("stale"));
            return "unreachable";
        }

        @PostMapping("/fail/claim-held")
        Note claimHeld() {
            notes.claim("held", Duration.ofSeconds(30));
            return notes.update("held", Note.empty(), note -> note.with("blocked"));
        }

        @PostMapping("/fail/invalid-key")
        Object invalidKey() {
            return notes.get("bad\u0001key");
        }

        @PostMapping("/fail/value-too-large")
        Note valueTooLarge() {
            return notes.update("big", Note.empty(), note -> note.with("x".repeat(2048)));
        }

        @PostMapping("/fail/storage-failure/{known}")
        String storageFailure(@PathVariable boolean known) {
            FencedStore flaky = stores.store("flaky");
            flaky.commit(flaky.read("k"), known ? new byte[] {1} : new byte[] {1, 2});
            return "unreachable";
        }

        /** Not fencedstate's: a note that must exist, and does not. */
        @PostMapping("/fail/not-ours")
        Note notOurs() {
            return notes.update("absent", note -> note.with("x"));
        }

        private static byte[] bytes(String json) {
            return json.getBytes(StandardCharsets.UTF_8);
        }
    }
}
