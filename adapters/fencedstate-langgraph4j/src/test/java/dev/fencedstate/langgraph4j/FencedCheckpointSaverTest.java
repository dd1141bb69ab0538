package dev.fencedstate.langgraph4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.InvalidKeyException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.file.FileStorage;
import dev.fencedstate.memory.InMemoryStorage;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver;
import org.bsc.langgraph4j.checkpoint.BaseCheckpointSaver.Tag;
import org.bsc.langgraph4j.checkpoint.Checkpoint;
import org.bsc.langgraph4j.checkpoint.MemorySaver;
import org.bsc.langgraph4j.serializer.Serializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FencedCheckpointSaverTest {

    private static final String THREAD = "t-1";

    private final FencedStore store = FencedStore.builder(new InMemoryStorage()).writerId("w").build();
    private final FencedCheckpointSaver saver = FencedCheckpointSaver.of(store);

    private static RunnableConfig config() {
        return RunnableConfig.builder().threadId(THREAD).build();
    }

    private static Checkpoint checkpoint(String id, String node) {
        return Checkpoint.builder().id(id).nodeId(node).nextNodeId("next-of-" + node)
                .state(Map.<String, Object>of("text", "state of " + id, "count", id.length(), "items", List.of(id)))
                .build();
    }

    /** What a saver holds, comparable across savers: each checkpoint's id, nodes and state. */
    private static List<String> describe(Collection<Checkpoint> checkpoints) {
        return checkpoints.stream().map(c -> c.getId() + "|" + c.getNodeId() + "|" + c.getNextNodeId() + "|"
                + new java.util.TreeMap<>(c.getState())).toList();
    }

    @Nested
    @DisplayName("used alone, it does what LangGraph4j's MemorySaver does")
    class SameAsMemorySaver {

        /** Runs the same calls on a saver and returns everything observable about them. */
        private List<Object> script(BaseCheckpointSaver target) throws Exception {
            RunnableConfig cfg = config();
            List<Object> seen = new java.util.ArrayList<>();
            seen.add(target.put(cfg, checkpoint("c1", "a")).checkPointId());
            seen.add(target.put(cfg, checkpoint("c2", "b")).checkPointId());
            seen.add(describe(target.list(cfg)));
            seen.add(target.get(cfg).map(Checkpoint::getId));
            seen.add(target.get(cfg.withCheckPointId("c1")).map(Checkpoint::getId));
            seen.add(target.get(cfg.withCheckPointId("missing")).map(Checkpoint::getId));
            // A put naming a checkpoint replaces it in place and returns the config unchanged.
            RunnableConfig replaced = target.put(cfg.withCheckPointId("c1"), checkpoint("c1b", "a2"));
            seen.add(replaced.checkPointId());
            seen.add(describe(target.list(cfg)));
            seen.add(describe(target.list(RunnableConfig.builder().threadId("other").build())));
            Tag released = target.release(cfg);
            seen.add(released.threadId());
            seen.add(describe(released.checkpoints()));
            seen.add(describe(target.list(cfg)));
            seen.add(target.get(cfg).isPresent());
            seen.add(target.put(cfg, checkpoint("c3", "c")).checkPointId());
            seen.add(describe(target.list(cfg)));
            return seen;
        }

        @Test
        void sameObservableResults() throws Exception {
            assertThat(script(saver)).isEqualTo(script(new MemorySaver()));
        }

        @Test
        void replacingAnUnknownCheckpointFailsLikeMemorySaver() throws Exception {
            new MemorySaver().put(config(), checkpoint("c1", "a"));
            saver.put(config(), checkpoint("c1", "a"));
            assertThatThrownBy(() -> new MemorySaver().put(config().withCheckPointId("nope"), checkpoint("x", "x")))
                    .isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(() -> saver.put(config().withCheckPointId("nope"), checkpoint("x", "x")))
                    .isInstanceOf(NoSuchElementException.class);
            assertThat(saver.history(THREAD)).hasSize(1);
        }

        @Test
        void aConfigWithoutThreadIdUsesTheDefaultThread() throws Exception {
            saver.put(RunnableConfig.builder().build(), checkpoint("c1", "a"));
            assertThat(saver.history(BaseCheckpointSaver.THREAD_ID_DEFAULT)).hasSize(1);
        }
    }

    @Test
    @DisplayName("the history records each checkpoint's parent, writer, claim epoch and nodes")
    void historyRecordsMetadata() throws Exception {
        saver.put(config(), checkpoint("c1", "a"));
        try (FencedRun run = saver.claimRun(THREAD)) {
            saver.put(run.config(), checkpoint("c2", "b"));
            long epoch = run.claim().orElseThrow().epoch();
            assertThat(saver.history(THREAD)).containsExactly(
                    new StoredCheckpoint("c2", "c1", "w", epoch, "b", "next-of-b"),
                    new StoredCheckpoint("c1", null, "w", 0, "a", "next-of-a"));
        }
    }

    @Test
    @DisplayName("maxCheckpoints keeps only the newest checkpoints")
    void maxCheckpointsTrimsTheOldest() throws Exception {
        FencedCheckpointSaver capped = FencedCheckpointSaver.builder(store).maxCheckpoints(2).build();
        for (String id : List.of("c1", "c2", "c3")) {
            capped.put(config(), checkpoint(id, id));
        }
        assertThat(capped.list(config())).extracting(Checkpoint::getId).containsExactly("c3", "c2");
    }

    @Test
    @DisplayName("requireRun refuses writes that carry no run, and accepts those that do")
    void requireRunRefusesPlainWrites() throws Exception {
        FencedCheckpointSaver strict = FencedCheckpointSaver.builder(store).requireRun(true).build();
        assertThatThrownBy(() -> strict.put(config(), checkpoint("c1", "a")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("openRun");
        strict.put(strict.openRun(THREAD).config(), checkpoint("c1", "a"));
        assertThat(strict.history(THREAD)).hasSize(1);
    }

    @Test
    @DisplayName("a run is bound to its saver and thread, and cannot write once closed")
    void runMisuseIsRefused() throws Exception {
        FencedRun run = saver.openRun(THREAD);
        RunnableConfig otherThread = RunnableConfig.builder(run.config()).threadId("t-2").build();
        assertThatThrownBy(() -> saver.put(otherThread, checkpoint("c1", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t-2");
        assertThatThrownBy(() -> run.config(RunnableConfig.builder().threadId("t-2").build()))
                .isInstanceOf(IllegalArgumentException.class);
        FencedCheckpointSaver another = FencedCheckpointSaver.of(store);
        assertThatThrownBy(() -> another.put(run.config(), checkpoint("c1", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another saver");
        assertThatThrownBy(run::renew).isInstanceOf(IllegalStateException.class);
        run.close();
        assertThatThrownBy(() -> saver.put(run.config(), checkpoint("c1", "a")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(saver.history(THREAD)).isEmpty();
    }

    @Test
    @DisplayName("a run's config keeps the caller's own settings")
    void runConfigKeepsCallerSettings() {
        FencedRun run = saver.openRun(THREAD);
        RunnableConfig mine = RunnableConfig.builder().putMetadata("tenant", "acme").build();
        RunnableConfig config = run.config(mine);
        assertThat(config.threadId()).contains(THREAD);
        assertThat(config.metadata("tenant")).contains("acme");
        assertThat(FencedRun.from(config)).containsSame(run);
        assertThat(FencedRun.from(mine)).isEmpty();
        assertThatThrownBy(() -> FencedRun.from(RunnableConfig.builder()
                .putMetadata(FencedRun.METADATA_KEY, "not a run").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a run that saw an older head cannot release the thread")
    void staleRunCannotRelease() throws Exception {
        saver.put(config(), checkpoint("c1", "a"));
        FencedRun run = saver.openRun(THREAD);
        saver.put(config(), checkpoint("c2", "b"));
        assertThatThrownBy(() -> saver.release(run.config()))
                .isInstanceOfSatisfying(CheckpointConflictException.class, conflict -> {
                    assertThat(conflict.expectedHead()).contains("c1");
                    assertThat(conflict.actualHead()).contains("c2");
                    assertThat(conflict.expectedVersion()).isLessThan(conflict.actualVersion());
                });
        assertThat(saver.history(THREAD)).hasSize(2);
        // Having read the thread, it may.
        saver.get(run.config());
        assertThat(saver.release(run.config()).checkpoints()).extracting(Checkpoint::getId).containsExactly("c2", "c1");
    }

    @Test
    @DisplayName("a thread id that makes an invalid key is refused with the core's typed error")
    void invalidThreadId() {
        assertThatThrownBy(() -> saver.put(RunnableConfig.builder().threadId("x".repeat(600)).build(),
                checkpoint("c1", "a"))).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    @DisplayName("the history survives the process: a new saver on the same directory reads it back")
    void durableOnFiles(@TempDir Path dir) throws Exception {
        try (FencedStore files = FencedStore.builder(FileStorage.open(dir)).build()) {
            FencedCheckpointSaver.of(files).put(config(), checkpoint("c1", "a"));
        }
        try (FencedStore files = FencedStore.builder(FileStorage.open(dir)).build()) {
            assertThat(describe(FencedCheckpointSaver.of(files).list(config())))
                    .isEqualTo(describe(List.of(checkpoint("c1", "a"))));
        }
    }

    @Nested
    @DisplayName("a damaged or foreign stored value is reported, never misread")
    class StoredFormat {

        private void overwriteStoredValue(Function<byte[], byte[]> damage) throws Exception {
            saver.put(config(), checkpoint("c1", "a"));
            Snapshot current = store.read(saver.keyOf(THREAD));
            store.commit(current, damage.apply(current.value().orElseThrow()));
        }

        @Test
        void truncated() throws Exception {
            overwriteStoredValue(value -> java.util.Arrays.copyOf(value, value.length - 3));
            assertThatThrownBy(() -> saver.get(config())).isInstanceOf(CorruptStateException.class);
        }

        @Test
        void foreign() throws Exception {
            overwriteStoredValue(value -> "not a history".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> saver.list(config())).isInstanceOf(CorruptStateException.class)
                    .hasMessageContaining("magic");
        }

        @Test
        void newerFormatVersion() throws Exception {
            overwriteStoredValue(value -> ByteBuffer.wrap(value.clone()).putShort(4, (short) 2).array());
            assertThatThrownBy(() -> saver.get(config())).isInstanceOfSatisfying(UnsupportedFormatException.class,
                    unsupported -> assertThat(unsupported.foundVersion()).isEqualTo(2));
        }

        @Test
        void writtenWithAnotherSerializer() throws Exception {
            saver.put(config(), checkpoint("c1", "a"));
            FencedCheckpointSaver json = FencedCheckpointSaver.builder(store)
                    .checkpointSerializer(new Serializer<>() {
                        @Override
                        public void write(Checkpoint object, ObjectOutput out) {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public Checkpoint read(ObjectInput in) {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public String contentType() {
                            return "application/json";
                        }
                    }).build();
            assertThatThrownBy(() -> json.get(config())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("application/json");
        }

        @Test
        void aStateValueTheSerializerCannotWrite() {
            Checkpoint unwritable = Checkpoint.builder().id("c1").nodeId("a").nextNodeId("b")
                    .state(Map.<String, Object>of("thread", new Object())).build();
            assertThatThrownBy(() -> saver.put(config(), unwritable)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("stateSerializer");
            assertThat(saver.history(THREAD)).isEmpty();
            assertThat(saver.list(config())).isEmpty();
        }
    }
}
