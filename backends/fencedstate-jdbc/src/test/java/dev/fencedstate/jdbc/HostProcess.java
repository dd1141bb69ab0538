package dev.fencedstate.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariDataSource;
import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedStoreListener;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.RetryPolicy;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One "host" of the cross-host tests: a separate JVM with its own connection pool, driven by its arguments and stdin,
 * reporting on stdout one line per event. The server comes from the same environment variables as the tests'
 * ({@link TestDatabase#URL_ENV} and so on).
 *
 * <pre>
 *   hammer  TABLE STORE WRITER THREADS UPDATES KEY[,KEY...]   waits for GO; ACK KEY per increment; DONE
 *   claim   TABLE STORE WRITER KEY LEASE_MS                     CLAIMED/HELD; then on "COMMIT V": COMMITTED/FENCED/CONFLICT
 *   reclaim TABLE STORE WRITER KEY LEASE_MS VALUE TIMEOUT_MS    RECLAIMED after the lease ends; COMMITTED
 *   append  TABLE STORE WRITER KEY                              SENDING/ACKED/LANDED/LOST/FAILED per entry until STOP
 * </pre>
 * Every mode first prints {@code CLOCK <this JVM's Instant.now()>}, so a test can see a skewed clock is skewed.
 */
public final class HostProcess {

    private static final PrintStream OUT = new PrintStream(System.out, true, UTF_8);
    /** Conflicts retried by this process: proof that the hosts really raced. */
    private static final AtomicLong RETRIES = new AtomicLong();

    private HostProcess() {
    }

    public static void main(String[] args) throws Exception {
        say("CLOCK " + Instant.now());
        String mode = args[0];
        String table = args[1];
        String store = args[2];
        String writer = args[3];
        TestDatabase.Server server = TestDatabase.Server.fromEnvironment()
                .orElseThrow(() -> new IllegalStateException(TestDatabase.URL_ENV + " is not set"));
        int poolSize = mode.equals("hammer") ? Integer.parseInt(args[4]) : 2;
        try (HikariDataSource pool = server.pool(writer, poolSize)) {
            JdbcStorage storage = JdbcStorage.builder(pool).table(table).store(store).build();
            FencedStore fenced = FencedStore.builder(storage).writerId(writer)
                    .retryPolicy(new RetryPolicy(10_000, Duration.ofNanos(50_000), 2.0, Duration.ofMillis(2), 1.0))
                    .listener(new FencedStoreListener() {
                        @Override
                        public void onRetry(String key, int attempt, Duration backoff, VersionConflictException c) {
                            RETRIES.incrementAndGet();
                        }
                    })
                    .build();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, UTF_8));
            switch (mode) {
                case "hammer" -> hammer(fenced, Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                        List.of(args[6].split(",")), stdin);
                case "claim" -> claim(fenced, args[4], Duration.ofMillis(Long.parseLong(args[5])), stdin);
                case "reclaim" -> reclaim(fenced, args[4], Duration.ofMillis(Long.parseLong(args[5])), args[6],
                        Duration.ofMillis(Long.parseLong(args[7])));
                case "append" -> append(fenced, args[4], writer, stdin);
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
        say("DONE");
        System.exit(0);
    }

    /** Increments counters from several threads, acknowledging each increment only after its commit returned. */
    private static void hammer(FencedStore store, int threads, int updates, List<String> keys, BufferedReader stdin)
            throws Exception {
        say("READY");
        if (!"GO".equals(stdin.readLine())) {
            throw new IllegalStateException("expected GO");
        }
        List<Thread> workers = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(t * 31L + store.writerId().hashCode());
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0; i < updates; i++) {
                        String key = keys.get(random.nextInt(keys.size()));
                        store.update(key, HostProcess::incremented);
                        say("ACK " + key);
                    }
                } catch (RuntimeException e) {
                    failed.set(true);
                    say("ERROR " + e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        say("RETRIES " + RETRIES.get());
        if (failed.get()) {
            System.exit(2);
        }
    }

    private static byte[] incremented(Snapshot snapshot) {
        long value = snapshot.exists() ? Long.parseLong(snapshot.valueAsUtf8().orElseThrow()) : 0;
        return Long.toString(value + 1).getBytes(UTF_8);
    }

    /** Claims, then waits for a COMMIT line and commits under the claim: the zombie, when paused in between. */
    private static void claim(FencedStore store, String key, Duration lease, BufferedReader stdin) throws IOException {
        Claim claim;
        try {
            claim = store.claim(key, lease);
        } catch (ClaimHeldException held) {
            say("HELD " + held.holder() + " " + held.leaseDeadline());
            return;
        }
        say("CLAIMED " + claim.epoch() + " " + claim.leaseDeadline());
        String command = stdin.readLine();
        if (command == null || !command.startsWith("COMMIT ")) {
            return;
        }
        try {
            Snapshot committed = store.commit(claim, claim.snapshot(), command.substring(7).getBytes(UTF_8));
            say("COMMITTED " + committed.version() + " " + committed.epoch());
        } catch (FencedWriteException fenced) {
            say("FENCED " + fenced.claimEpoch() + " " + fenced.currentEpoch());
        } catch (VersionConflictException conflict) {
            say("CONFLICT " + conflict.actualVersion());
        }
    }

    /** Claims as soon as the current lease has ended by the database clock, then commits under the new claim. */
    private static void reclaim(FencedStore store, String key, Duration lease, String value, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int refusals = 0;
        while (true) {
            try {
                Claim claim = store.claim(key, lease);
                say("RECLAIMED " + claim.epoch() + " " + claim.reclaimed() + " " + refusals);
                Snapshot committed = store.commit(claim, claim.snapshot(), value.getBytes(UTF_8));
                say("COMMITTED " + committed.version() + " " + committed.epoch());
                return;
            } catch (ClaimHeldException held) {
                refusals++;
                if (System.nanoTime() > deadline) {
                    say("TIMEOUT " + held.holder() + " " + held.leaseDeadline());
                    return;
                }
                Thread.sleep(25); // polling the database clock until the lease ends; nothing else to wait on
            }
        }
    }

    /** Appends WRITER#1, WRITER#2, ... until STOP (or stdin closes), reporting every outcome. */
    private static void append(FencedStore store, String key, String writer, BufferedReader stdin)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread listener = new Thread(() -> {
            try {
                while (true) {
                    String line = stdin.readLine();
                    if (line == null || line.equals("STOP")) {
                        break;
                    }
                }
            } catch (IOException ignored) {
                // stdin gone: stop as if told to
            }
            stop.set(true);
        });
        listener.setDaemon(true);
        listener.start();
        AppendWriter appender = new AppendWriter(store, key, Duration.ofSeconds(60));
        say("READY");
        for (int seq = 1; !stop.get(); seq++) {
            String entry = writer + "#" + seq;
            say("SENDING " + entry);
            say(appender.append(entry).line());
        }
    }

    private static void say(String line) {
        synchronized (OUT) {
            OUT.println(line);
        }
    }
}
