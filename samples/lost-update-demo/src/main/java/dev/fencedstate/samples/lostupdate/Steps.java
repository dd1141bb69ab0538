package dev.fencedstate.samples.lostupdate;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the demo orders its threads: latches and barriers, never sleeps. Every wait is bounded, so a demo that went
 * wrong fails with a message saying which step never happened instead of hanging.
 */
final class Steps {

    /** Far longer than any step needs (each takes milliseconds); only reached if the demo is broken. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    /** One worker's part of a scenario; {@code worker} is 0-based. */
    @FunctionalInterface
    interface WorkerTask {
        void run(int worker) throws Exception;
    }

    private Steps() {
    }

    static void await(CountDownLatch latch, String step) {
        try {
            if (!latch.await(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw timedOut(step);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting until " + step, e);
        }
    }

    static void await(CyclicBarrier barrier, String step) {
        try {
            barrier.await(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | BrokenBarrierException e) {
            throw new IllegalStateException("The demo is stuck: this step never happened: " + step, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting until " + step, e);
        }
    }

    /**
     * Runs {@code task} for workers 0..count-1, each on its own thread, and returns when all are done. The first
     * failure stops the others (they are interrupted) and is rethrown.
     */
    static void runWorkers(int count, WorkerTask task) {
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(count, runnable -> daemon(runnable,
                PlanDoc.workerName(names.getAndIncrement())));
        try {
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (int worker = 0; worker < count; worker++) {
                int id = worker;
                done.submit(() -> {
                    task.run(id);
                    return null;
                });
            }
            for (int finished = 0; finished < count; finished++) {
                Future<Void> next = done.poll(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw timedOut("all " + count + " workers finished");
                }
                resultOf(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the workers ran", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Starts {@code work} on a thread of its own (a second process, in the story). */
    static <T> Future<T> start(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        daemon(task, name).start();
        return task;
    }

    /** Waits (bounded) for {@code future} and returns its result, rethrowing what the work threw. */
    static <T> T resultOf(Future<T> future) {
        try {
            return future.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut("a worker finished");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a worker", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("A worker failed: " + e.getCause(), e.getCause());
        }
    }

    /** Daemon threads: if the demo ever got stuck, its timeout message ends the JVM instead of a stray thread. */
    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static IllegalStateException timedOut(String step) {
        return new IllegalStateException("The demo is stuck: after " + STEP_TIMEOUT.toSeconds()
                + " s this step had still not happened: " + step);
    }
}
