package dev.fencedstate.langgraph4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** Runs writers on their own threads and collects how each ended; every wait is bounded. */
final class Race {

    /** How one writer ended: with a result or with a failure. */
    record Outcome(@Nullable Object result, @Nullable Throwable failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    private Race() {
    }

    static List<Outcome> run(List<Callable<?>> writers) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Callable<?> writer : writers) {
                futures.add(pool.submit(writer));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<?> future : futures) {
                try {
                    outcomes.add(new Outcome(future.get(30, TimeUnit.SECONDS), null));
                } catch (ExecutionException failed) {
                    outcomes.add(new Outcome(null, failed.getCause()));
                } catch (TimeoutException stuck) {
                    throw new AssertionError("a writer did not finish within 30 s", stuck);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("writer threads did not stop");
            }
        }
    }
}
