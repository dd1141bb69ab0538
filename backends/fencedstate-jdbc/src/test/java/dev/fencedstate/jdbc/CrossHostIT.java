package dev.fencedstate.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.Claim;
import dev.fencedstate.ClaimHeldException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several hosts sharing one table: each host is a separate JVM ({@link HostProcess}) with its own connection pool.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@Tag("postgres")
class CrossHostIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String TABLE = JdbcStorage.DEFAULT_TABLE;

    private final TestDatabase.Server server = TestDatabase.shared();
    private final DataSource pool = TestDatabase.sharedPool();

    private FencedStore localStore(String store, String writer) {
        return FencedStore.builder(JdbcStorage.builder(pool).table(TABLE).store(store).build()).writerId(writer)
                .build();
    }

    @Test
    @DisplayName("three hosts hammering the same keys: final values equal the acknowledged commits, exactly")
    void severalHostsHammerTheSameKeys() throws Exception {
        String store = TestDatabase.uniqueStore("hosts");
        List<String> keys = List.of("counter-a", "counter-b", "counter-c");
        int hosts = 3;
        int threads = 3;
        int updates = 40;
        List<Child> children = new ArrayList<>();
        try {
            for (int h = 1; h <= hosts; h++) {
                children.add(Child.start("host-" + h, server, Map.of(), "hammer", TABLE, store, "host-" + h,
                        Integer.toString(threads), Integer.toString(updates), String.join(",", keys)));
            }
            for (Child child : children) {
                child.await("READY", START);
            }
            for (Child child : children) {
                child.send("GO"); // all hosts start hammering together
            }
            for (Child child : children) {
                assertThat(child.awaitExit(START)).as("exit code of %s\n%s", child.name(), child.transcript())
                        .isZero();
            }

            Map<String, Long> acknowledged = new HashMap<>();
            long retries = 0;
            for (Child child : children) {
                for (String line : child.lines()) {
                    if (line.startsWith("ACK ")) {
                        acknowledged.merge(line.substring(4), 1L, Long::sum);
                    } else if (line.startsWith("RETRIES ")) {
                        retries += Long.parseLong(line.substring(8));
                    }
                }
            }
            FencedStore reader = localStore(store, "reader");
            long total = 0;
            for (String key : keys) {
                Snapshot snapshot = reader.read(key);
                long ack = acknowledged.getOrDefault(key, 0L);
                assertThat(Long.parseLong(snapshot.valueAsUtf8().orElse("0"))).as("value of %s", key).isEqualTo(ack);
                assertThat(snapshot.version()).as("version of %s", key).isEqualTo(ack);
                total += ack;
            }
            assertThat(total).isEqualTo((long) hosts * threads * updates);
            assertThat(retries).as("the hosts really raced: conflicts were retried").isPositive();
        } finally {
            for (Child child : children) {
                child.close();
            }
        }
    }

    @Test
    @DisplayName("zombie across hosts: a host paused with SIGSTOP past its lease is fenced after another reclaimed")
    void pausedHostIsFencedAfterReclaim() throws Exception {
        String store = TestDatabase.uniqueStore("zombie");
        String key = "plan";
        try (Child zombie = Child.start("zombie", server, Map.of(), "claim", TABLE, store, "zombie-host", key,
                "3000")) {
            String[] claimed = zombie.await("CLAIMED", START).split(" ");
            long zombieEpoch = Long.parseLong(claimed[1]);
            Instant zombieDeadline = Instant.parse(claimed[2]);

            zombie.pause();
            assertThat(zombie.state()).as("the zombie is stopped").isEqualTo('T');
            zombie.send("COMMIT stale result"); // waits in the pipe until the zombie runs again

            try (Child successor = Child.start("successor", server, Map.of(), "reclaim", TABLE, store,
                    "successor-host", key, "30000", "fresh result", "60000")) {
                String[] reclaimed = successor.await("RECLAIMED", START).split(" ");
                assertThat(Long.parseLong(reclaimed[1])).isEqualTo(zombieEpoch + 1);
                assertThat(reclaimed[2]).as("taken over from an expired claim").isEqualTo("true");
                successor.await("COMMITTED", START);
                assertThat(successor.awaitExit(START)).isZero();
            }
            assertThat(zombie.state()).as("still stopped while the successor committed").isEqualTo('T');
            assertThat(zombie.lines()).noneMatch(line -> line.startsWith("COMMITTED") || line.startsWith("FENCED"));

            zombie.resume();
            String fenced = zombie.await(line -> line.startsWith("FENCED") || line.startsWith("COMMITTED"), START);
            assertThat(fenced).isEqualTo("FENCED " + zombieEpoch + " " + (zombieEpoch + 1));
            assertThat(zombie.awaitExit(START)).isZero();

            Snapshot after = localStore(store, "reader").read(key);
            assertThat(after.valueAsUtf8()).contains("fresh result");
            assertThat(after.epoch()).isEqualTo(zombieEpoch + 1);
            assertThat(after.holder()).contains("successor-host");
            assertThat(after.lastCommitAt()).as("the reclaim waited for the zombie's lease to end, by the database "
                    + "clock").hasValueSatisfying(at -> assertThat(at).isAfterOrEqualTo(zombieDeadline));
        }
    }

    @Test
    @DisplayName("a host whose clock is 10 minutes fast cannot steal a live lease")
    void fastClockCannotStealLiveLease() throws Exception {
        Map<String, String> tenMinutesFast = Faketime.environment("+10m");
        String store = TestDatabase.uniqueStore("skew-steal");
        FencedStore honest = localStore(store, "honest-host");
        Claim live = honest.claim("plan", Duration.ofSeconds(60));

        try (Child skewed = Child.start("skewed-thief", server, tenMinutesFast, "claim", TABLE, store,
                "skewed-host", "plan", "5000")) {
            assertSkewed(skewed, Duration.ofMinutes(9));
            String outcome = skewed.await(line -> line.startsWith("HELD") || line.startsWith("CLAIMED"), START);
            // By its own clock the lease ended 9 minutes ago; by the database's it has a minute left.
            assertThat(outcome).startsWith("HELD honest-host " + live.leaseDeadline());
            assertThat(skewed.awaitExit(START)).isZero();
        }
        Snapshot after = honest.read("plan");
        assertThat(after.holder()).contains("honest-host");
        assertThat(after.epoch()).isEqualTo(live.epoch());
    }

    @Test
    @DisplayName("a host whose clock is 10 minutes fast cannot keep a lease past its end by the database clock")
    void fastClockCannotKeepExpiredLease() throws Exception {
        Map<String, String> tenMinutesFast = Faketime.environment("+10m");
        String store = TestDatabase.uniqueStore("skew-keep");
        FencedStore honest = localStore(store, "honest-host");

        Instant before = databaseNow();
        try (Child skewed = Child.start("skewed-holder", server, tenMinutesFast, "claim", TABLE, store,
                "skewed-host", "plan", "2000")) {
            assertSkewed(skewed, Duration.ofMinutes(9));
            String[] claimed = skewed.await("CLAIMED", START).split(" ");
            Instant after = databaseNow();
            Instant deadline = Instant.parse(claimed[2]);
            // The database's clock + 2 s, not the host's own (which would be 10 minutes later).
            assertThat(deadline).isBetween(before.plusSeconds(2), after.plusSeconds(2));

            Claim reclaimed = claimWhenFree(honest, "plan", Duration.ofSeconds(30));
            assertThat(reclaimed.reclaimed()).isTrue();
            assertThat(reclaimed.epoch()).isEqualTo(Long.parseLong(claimed[1]) + 1);

            skewed.send("COMMIT late result");
            assertThat(skewed.await(line -> line.startsWith("FENCED") || line.startsWith("COMMITTED"), START))
                    .isEqualTo("FENCED " + claimed[1] + " " + reclaimed.epoch());
            assertThat(skewed.awaitExit(START)).isZero();
        }
        assertThat(honest.read("plan").exists()).isFalse();
    }

    /** The child printed its clock first: check libfaketime really moved it. */
    private static void assertSkewed(Child child, Duration atLeast) throws InterruptedException {
        Instant childClock = Instant.parse(child.await("CLOCK ", START).substring(6));
        assertThat(Duration.between(Instant.now(), childClock)).as("the child's clock is skewed")
                .isGreaterThan(atLeast);
    }

    /** Claims as soon as the database clock says the current lease ended (polling, bounded by 20 s). */
    private static Claim claimWhenFree(FencedStore store, String key, Duration lease) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return store.claim(key, lease);
            } catch (ClaimHeldException held) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the lease did not end within 20 s by the database clock: " + held,
                            held);
                }
                Thread.sleep(25); // polling the database clock; there is nothing else to wait on
            }
        }
    }

    private Instant databaseNow() throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT clock_timestamp()")) {
            result.next();
            return result.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
