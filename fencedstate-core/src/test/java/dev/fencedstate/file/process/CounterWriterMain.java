package dev.fencedstate.file.process;

import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.file.FileStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM for {@link CrossProcessCounterIT}: several threads increment counters on shared keys with
 * {@link FencedStore#update}, each a fixed number of times.
 *
 * <p>Arguments: {@code directory writerId threads operationsPerThread key[,key...]}. Protocol:
 * <pre>
 *   READY                       store open, threads waiting          (then waits for the command GO)
 *   ACK key value               an update committed value on key (printed after update returned)
 *   GAVEUP key                  an update lost every retry to conflicts: it committed nothing
 *   CONFLICTS n                 version conflicts this process met (each one a lost race that was retried)
 *   DONE acknowledged gaveUp
 * </pre>
 */
public final class CounterWriterMain {

    private CounterWriterMain() {
    }

    public static void main(String[] args) {
        ChildProtocol.run(protocol -> {
            Path directory = Path.of(args[0]);
            String writerId = args[1];
            int threads = Integer.parseInt(args[2]);
            int operations = Integer.parseInt(args[3]);
            String[] keys = args[4].split(",");

            AtomicLong conflicts = new AtomicLong();
            try (FencedStore store = FencedStore.builder(FileStorage.open(directory)).writerId(writerId)
                    .listener(new FencedStoreListener() {
                        @Override
                        public void onCommit(String key, CommitOutcome outcome, Duration elapsed) {
                            if (outcome == CommitOutcome.CONFLICT) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }).build()) {
                CountDownLatch go = new CountDownLatch(1);
                AtomicLong acknowledged = new AtomicLong();
                AtomicLong gaveUp = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    Thread worker = new Thread(() -> {
                        try {
                            go.await();
                            for (int i = 0; i < operations; i++) {
                                // Threads start on different keys and rotate, so every key sees every thread.
                                String key = keys[(thread + i) % keys.length];
                                try {
                                    Snapshot committed = store.update(key, CounterWriterMain::increment);
                                    acknowledged.incrementAndGet();
                                    protocol.emit("ACK", key, committed.valueAsUtf8().orElseThrow());
                                } catch (VersionConflictException lostEveryRetry) {
                                    gaveUp.incrementAndGet();
                                    protocol.emit("GAVEUP", key);
                                }
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }, writerId + "-" + t);
                    workers.add(worker);
                    worker.start();
                }
                protocol.emit("READY");
                protocol.await("GO");
                go.countDown();
                for (Thread worker : workers) {
                    worker.join();
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("a worker thread failed", failure.get());
                }
                protocol.emit("CONFLICTS", conflicts.get());
                protocol.emit("DONE", acknowledged.get(), gaveUp.get());
            }
        });
    }

    private static byte[] increment(Snapshot counter) {
        long current = counter.valueAsUtf8().map(Long::parseLong).orElse(0L);
        return Long.toString(current + 1).getBytes(StandardCharsets.UTF_8);
    }
}
