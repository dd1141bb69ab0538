package dev.fencedstate.samples.agents;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.micrometer.FencedStateMetricNames;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.Versioned;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.ClaimDescriptor;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.KeyDescriptor;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.RevocationDescriptor;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.StoreDescriptor;
import dev.fencedstate.spring.dao.FencedWriteDataAccessException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.micrometer.metrics.actuate.endpoint.MetricsEndpoint;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo, in three acts:
 * <ol>
 *   <li>A planner dispatches six workers, released together by a barrier, that all update the shared board at the
 *       same moment. Within this application the updates of one key take turns, so all six land at the first try,
 *       with no conflict. Each worker then bumps a shared tally. Then a writer of another instance (a store of its own
 *       on the same directory) commits between one update's read and its commit: that update meets a version
 *       conflict, and the store re-runs its whole read-compute-commit, so both results are kept.</li>
 *   <li>A seventh worker claims the summary key, computes, and stalls (it waits on a latch). The planner moves the
 *       lease clock past its lease, sees in the {@code fencedstates} endpoint that the claim is no longer live,
 *       revokes it through the endpoint (the epoch moves on), claims the key and writes the summary itself.</li>
 *   <li>The seventh worker wakes up and commits under its old claim. Nobody wrote the key since it read it, so its
 *       version still matches, but its epoch does not: the write is fenced, and never retried.</li>
 * </ol>
 * Ordering comes from barriers and latches, time from the {@link DemoClock}; nothing sleeps to make an order happen.
 */
@Component
public class AgentsDemo implements ApplicationRunner, ExitCodeGenerator {

    static final int WORKERS = 6;
    static final String PLANNER = "planner";
    static final String STORE = "agents";
    static final String BOARD = "board";
    static final String TALLY = "tally";
    static final String SUMMARY = "summary";
    private static final String ZOMBIE = "worker-7";
    private static final String LATE = "worker-8";
    private static final String REMOTE = "other-instance";
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final long WAIT_SECONDS = 60;

    private final BoardStore boards;
    private final TallyStore tallies;
    private final SummaryStore summaries;
    private final DemoClock clock;
    private final FencedStores stores;
    private final FencedStatesEndpoint endpoint;
    private final MetricsEndpoint metrics;
    private final MeterRegistry meterRegistry;
    private final JsonMapper jsonMapper;
    private final PrintStream out = System.out;
    private volatile @Nullable DemoReport report;

    public AgentsDemo(BoardStore boards, TallyStore tallies, SummaryStore summaries, DemoClock clock,
            FencedStores stores, ObjectProvider<FencedStatesEndpoint> endpoint, ObjectProvider<MetricsEndpoint> metrics,
            MeterRegistry meterRegistry, JsonMapper jsonMapper) {
        this.boards = boards;
        this.tallies = tallies;
        this.summaries = summaries;
        this.clock = clock;
        this.stores = stores;
        this.endpoint = endpoint.getIfAvailable(() -> {
            throw new IllegalStateException("The fencedstates endpoint is not available: keep "
                    + "management.endpoints.web.exposure.include listing fencedstates");
        });
        this.metrics = metrics.getIfAvailable(() -> new MetricsEndpoint(meterRegistry));
        this.meterRegistry = meterRegistry;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        out.println();
        out.println("== fencedstate agents demo: store '" + STORE + "' on "
                + stores.store(STORE).storage().describe() + " ==");
        ActOne actOne = sixWorkersAtOnce();
        ZombieOutcome zombie = zombieWorker();
        report = new DemoReport(boards.get(BOARD).orElseThrow().results().size(), tallies.get(TALLY).orElseThrow().done(),
                actOne.attemptsByWorker(), meter(FencedStateMetricNames.COMMITS, "outcome:conflict"),
                actOne.remoteAttempts(), zombie.fenced(), zombie.attempts(), summaries.get(SUMMARY).orElseThrow().author());
        showActuator();
        DemoReport result = report;
        out.println();
        out.println(result.ok()
                ? "RESULT: OK - all " + result.resultsKept() + " results kept (" + WORKERS + " at once without a "
                        + "conflict, " + (long) result.conflicts() + " conflict with another instance retried), the "
                        + "zombie was fenced and not retried"
                : "RESULT: FAILED - " + result);
    }

    @Override
    public int getExitCode() {
        DemoReport result = report;
        return result != null && result.ok() ? 0 : 1;
    }

    /** What the last run observed, or {@code null} before it ran. */
    public @Nullable DemoReport report() {
        return report;
    }

    // ------------------------------------------------------------------ act 1

    private record ActOne(Map<String, Integer> attemptsByWorker, int remoteAttempts) {
    }

    private ActOne sixWorkersAtOnce() throws Exception {
        out.println();
        out.println("-- 1. The planner dispatches " + WORKERS + " workers; all " + WORKERS + " update the board at the "
                + "same moment");
        CyclicBarrier allReady = new CyclicBarrier(WORKERS,
                () -> out.println("   all " + WORKERS + " workers released at once"));
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        Map<String, Integer> attemptsByWorker = new TreeMap<>();
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 1; i <= WORKERS; i++) {
                String worker = "worker-" + i;
                String result = "result of task " + i;
                futures.add(pool.submit(() -> {
                    AtomicInteger attempts = new AtomicInteger();
                    await(allReady);
                    boards.update(BOARD, ResultBoard.empty(), board -> {
                        attempts.incrementAndGet();
                        return board.with(worker, result);
                    });
                    tallies.countOne(TALLY);
                    return attempts.get();
                }));
            }
            for (int i = 0; i < WORKERS; i++) {
                int attempts = futures.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS);
                String worker = "worker-" + (i + 1);
                attemptsByWorker.put(worker, attempts);
                out.println("   " + worker + ": result committed on attempt " + attempts
                        + (attempts == 1 ? " (it took its turn: no conflict)" : ""));
            }
        } finally {
            pool.shutdownNow();
        }
        Versioned<ResultBoard> board = boards.read(BOARD);
        ResultBoard written = Objects.requireNonNull(board.value(), "the workers wrote the board");
        out.println("   board: " + written.results().size() + " results at version " + board.version()
                + ", tally: " + tallies.get(TALLY).orElseThrow().done() + " -> no update lost, no conflict ("
                + FencedStateMetricNames.COMMITS + "{outcome=conflict}: "
                + (long) meter(FencedStateMetricNames.COMMITS, "outcome:conflict") + ")");

        out.println();
        out.println("-- 1b. A writer of another instance commits between this application's read and its commit");
        FencedStore otherInstance = FencedStore.builder(stores.store(STORE).storage()).writerId(REMOTE).build();
        AtomicInteger attempts = new AtomicInteger();
        boards.update(BOARD, ResultBoard.empty(), current -> {
            if (attempts.incrementAndGet() == 1) {
                otherInstance.update(BOARD, snapshot -> jsonMapper.writeValueAsBytes(
                        current.with(REMOTE, "result of the other instance")));
                out.println("   " + REMOTE + ": committed its result while " + LATE + " was computing");
            }
            return current.with(LATE, "result of task 8");
        });
        out.println("   " + LATE + ": version conflict, recomputed from the other instance's board, committed on "
                + "attempt " + attempts.get() + "; board: " + boards.get(BOARD).orElseThrow().results().size()
                + " results (" + FencedStateMetricNames.COMMITS + "{outcome=conflict}: "
                + (long) meter(FencedStateMetricNames.COMMITS, "outcome:conflict") + ")");
        return new ActOne(attemptsByWorker, attempts.get());
    }

    // ------------------------------------------------------------------ acts 2 and 3

    private record ZombieOutcome(boolean fenced, int attempts) {
    }

    private ZombieOutcome zombieWorker() throws Exception {
        out.println();
        out.println("-- 2. " + ZOMBIE + " claims '" + SUMMARY + "', computes, and stalls");
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        AtomicInteger zombieAttempts = new AtomicInteger();
        ExecutorService zombieThread = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> zombie = zombieThread.submit(() -> {
                Claim claim = summaries.claim(SUMMARY, LEASE);
                out.println("   " + ZOMBIE + ": claimed '" + SUMMARY + "' at epoch " + claim.epoch()
                        + ", lease until " + claim.leaseDeadline());
                int seen = boards.get(BOARD).orElseThrow().results().size();
                Summary mine = new Summary("summary of " + seen + " results", ZOMBIE, seen);
                out.println("   " + ZOMBIE + ": computed its summary ... and stalls (a GC pause, a hung call)");
                stalled.countDown();
                if (!wake.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new TimeoutException("never woken");
                }
                try {
                    zombieAttempts.incrementAndGet();
                    summaries.commit(claim, mine);
                    out.println("   " + ZOMBIE + ": woke up and its stale write LANDED (this must not happen)");
                    return false;
                } catch (FencedWriteDataAccessException fenced) {
                    out.println("   " + ZOMBIE + ": woke up and committed under epoch " + fenced.claimEpoch()
                            + " -> FENCED (the key is at epoch " + fenced.currentEpoch() + "): "
                            + fenced.getClass().getSimpleName() + ", a " + "non-transient data-access error");
                    return true;
                }
            });

            if (!stalled.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new TimeoutException(ZOMBIE + " never claimed");
            }
            clock.advance(LEASE.plusSeconds(15));
            ClaimDescriptor seen = Objects.requireNonNull(key(endpoint.store(STORE), SUMMARY).claim(),
                    () -> ZOMBIE + " claimed " + SUMMARY + ", yet the endpoint shows no claim");
            out.println("   planner: " + LEASE.plusSeconds(15).toSeconds() + "s later, the endpoint shows the claim by "
                    + seen.holder() + " with live=" + seen.live() + " (lease ended " + seen.leaseDeadline() + ")");
            RevocationDescriptor revoked = endpoint.revoke(STORE, SUMMARY);
            out.println("   planner: revokes the stalled claim through the fencedstates endpoint: epoch "
                    + revoked.epochBefore() + " -> " + revoked.epochAfter());
            Claim planner = summaries.claim(SUMMARY, LEASE);
            int results = boards.get(BOARD).orElseThrow().results().size();
            summaries.commit(planner, new Summary("summary of " + results + " results, redone by the planner",
                    PLANNER, results));
            summaries.release(planner);
            out.println("   planner: claimed '" + SUMMARY + "' at epoch " + planner.epoch()
                    + ", wrote the summary itself, released it");

            out.println();
            out.println("-- 3. " + ZOMBIE + " wakes up");
            wake.countDown();
            boolean fenced = zombie.get(WAIT_SECONDS, TimeUnit.SECONDS);
            Summary standing = summaries.get(SUMMARY).orElseThrow();
            out.println("   the summary that stands: \"" + standing.text() + "\" by " + standing.author()
                    + "; " + ZOMBIE + "'s commit ran " + zombieAttempts.get() + " time (fenced writes are never retried)");
            return new ZombieOutcome(fenced, zombieAttempts.get());
        } finally {
            wake.countDown();
            zombieThread.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ what Actuator shows

    private void showActuator() {
        out.println();
        out.println("-- What /actuator/fencedstates/" + STORE + " serves:");
        out.println(jsonMapper.writerWithDefaultPrettyPrinter().writeValueAsString(endpoint.store(STORE)));
        out.println();
        out.println("-- What /actuator/metrics serves (store:" + STORE + "):");
        for (String outcome : List.of("committed", "conflict", "fenced", "claim-held")) {
            out.println("   " + FencedStateMetricNames.COMMITS + "{outcome=" + outcome + "} = "
                    + (long) meter(FencedStateMetricNames.COMMITS, "outcome:" + outcome));
        }
        out.println("   " + FencedStateMetricNames.UPDATE_ATTEMPTS + "{outcome=committed}: "
                + (long) meter(FencedStateMetricNames.UPDATE_ATTEMPTS, "outcome:committed") + " updates, "
                + (long) statistic(FencedStateMetricNames.UPDATE_ATTEMPTS, "TOTAL", "outcome:committed")
                + " attempts");
        for (String event : List.of("granted", "reclaimed", "revoked", "released")) {
            out.println("   " + FencedStateMetricNames.CLAIMS + "{event=" + event + "} = "
                    + (long) meter(FencedStateMetricNames.CLAIMS, "event:" + event));
        }
        out.println("   " + FencedStateMetricNames.LIVE_CLAIMS + " = "
                + (long) meter(FencedStateMetricNames.LIVE_CLAIMS));
    }

    /** The COUNT (or VALUE, for a gauge) of a meter of the demo's store, read through the metrics endpoint. */
    private double meter(String name, String... tags) {
        return statistic(name, null, tags);
    }

    /** One statistic of a meter of the demo's store ({@code null}: the first, COUNT or VALUE). */
    private double statistic(String name, @Nullable String statistic, String... tags) {
        List<String> allTags = new ArrayList<>(List.of(FencedStateMetricNames.TAG_STORE + ":" + STORE));
        allTags.addAll(List.of(tags));
        MetricsEndpoint.MetricDescriptor descriptor = metrics.metric(name, allTags);
        if (descriptor == null) {
            throw new IllegalStateException("no meter " + name + " " + allTags + " in " + meterRegistry);
        }
        return descriptor.getMeasurements().stream()
                .filter(sample -> statistic == null || sample.getStatistic().name().equals(statistic))
                .findFirst().orElseThrow().getValue();
    }

    private static KeyDescriptor key(@Nullable StoreDescriptor store, String key) {
        if (store == null) {
            throw new IllegalStateException("no store " + STORE);
        }
        return store.keys().stream().filter(k -> k.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no key " + key));
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other workers", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the other workers never computed", e);
        }
    }

}
