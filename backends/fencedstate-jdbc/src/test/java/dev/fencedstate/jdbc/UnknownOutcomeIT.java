package dev.fencedstate.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session terminated with {@code pg_terminate_backend} while its write is in flight: the failure says the outcome
 * is unknown, and reading the key back by the failure's commit id tells exactly whether it landed. Both ways are made
 * to happen on purpose, on a real server:
 * <ul>
 *   <li><b>did not land</b>: the write waits for a row lock another session holds, and is terminated there;</li>
 *   <li><b>landed</b>: on a server that requires a synchronous standby that does not exist, a commit is written
 *       locally and then waits for the standby for ever, and is terminated there: committed, but the client only
 *       hears of the termination.</li>
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Tag("postgres")
class UnknownOutcomeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedPostgres syncRepServer;
    private static Path syncRepData;

    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void startServerWaitingForAStandbyThatNeverComes() throws Exception {
        syncRepData = Files.createTempDirectory("fencedstate-syncrep");
        syncRepServer = TestDatabase.startDedicated(syncRepData, TestDatabase.freePort(),
                Map.of("synchronous_standby_names", "standby_that_never_comes"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (syncRepServer != null) {
            syncRepServer.close();
        }
        TestFiles.deleteRecursively(syncRepData);
    }

    @Test
    @DisplayName("terminated while waiting for a row lock: outcome unknown, and the commit id shows it did not land")
    void terminatedBeforeCommitDidNotLand() throws Exception {
        DataSource admin = TestDatabase.sharedPool();
        String store = TestDatabase.uniqueStore("unknown-lost");
        String application = "writer-" + store.substring(store.length() - 12);
        DataSource writerSource = TestDatabase.shared().simple(application, "");
        FencedStore fenced = FencedStore.builder(JdbcStorage.builder(writerSource).store(store).build()).build();
        Snapshot v1 = fenced.commit(fenced.read("doc"), bytes("v1"));

        StorageFailureException failure;
        try (Connection locker = admin.getConnection()) {
            locker.setAutoCommit(false);
            try (PreparedStatement lock = locker.prepareStatement(
                    "SELECT 1 FROM fencedstate_records WHERE store = ? AND key = ? FOR UPDATE")) {
                lock.setString(1, store);
                lock.setString(2, "doc");
                lock.executeQuery().close();
            }
            Future<Snapshot> blocked = writer.submit(() -> fenced.commit(v1, bytes("v2")));
            awaitSession(admin, application, "Lock");
            assertThat(TestDatabase.terminateSessions(admin, application)).isPositive();

            failure = failureOf(blocked);
            locker.rollback();
        }
        assertThat(failure.outcomeKnown()).isFalse();
        assertThat(failure.isRetryable()).isFalse();
        assertThat(failure.commitId()).isNotNull();
        assertThat(failure).hasMessageContaining("may or may not have been committed");

        Snapshot after = fenced.read("doc");
        assertThat(after.commitId()).as("resolved by commit id: it did not land")
                .isNotEqualTo(java.util.Optional.of(failure.commitId())).isEqualTo(v1.commitId());
        assertThat(after.valueAsUtf8()).contains("v1");
        assertThat(after.version()).isEqualTo(1);
    }

    @Test
    @DisplayName("terminated after committing locally: outcome unknown, and the commit id shows it landed (insert)")
    void terminatedAfterLocalCommitOfInsertLanded() throws Exception {
        terminatedAfterLocalCommitLanded(false);
    }

    @Test
    @DisplayName("terminated after committing locally: outcome unknown, and the commit id shows it landed (update)")
    void terminatedAfterLocalCommitOfUpdateLanded() throws Exception {
        terminatedAfterLocalCommitLanded(true);
    }

    private void terminatedAfterLocalCommitLanded(boolean existingKey) throws Exception {
        TestDatabase.Server server = TestDatabase.serverOf(syncRepServer);
        // Schema changes, setup and reads commit without waiting for the standby; the writer under test waits.
        DataSource local = server.simple("local", "-c synchronous_commit=local");
        String application = existingKey ? "writer-update" : "writer-insert";
        DataSource waiting = server.simple(application, "");
        String store = TestDatabase.uniqueStore("unknown-landed");
        FencedStore reader = FencedStore.builder(JdbcStorage.builder(local).store(store).build()).build();
        Snapshot base = reader.read("doc");
        if (existingKey) {
            base = reader.commit(base, bytes("before"));
        }
        FencedStore fenced = FencedStore.builder(JdbcStorage.builder(waiting).store(store).build())
                .writerId("writer").build();

        Snapshot from = base;
        Future<Snapshot> hanging = writer.submit(() -> fenced.commit(from, bytes("landed")));
        awaitSession(local, application, "SyncRep");
        assertThat(TestDatabase.terminateSessions(local, application)).isPositive();

        StorageFailureException failure = failureOf(hanging);
        assertThat(failure.outcomeKnown()).isFalse();
        assertThat(failure.commitId()).isNotNull();

        Snapshot after = reader.read("doc");
        assertThat(after.commitId()).as("resolved by commit id: it landed").contains(failure.commitId());
        assertThat(after.valueAsUtf8()).contains("landed");
        assertThat(after.lastWriter()).contains("writer");
        assertThat(after.version()).isEqualTo(base.version() + 1);
    }

    /** Waits (bounded) until a session of {@code application} waits on {@code waitEvent} (or its type). */
    private static void awaitSession(DataSource admin, String application, String waitEvent)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (TestDatabase.sessionWaitingOn(admin, application, waitEvent) != 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no session of " + application + " waited on " + waitEvent + " within "
                        + WAIT);
            }
            Thread.sleep(10); // polling pg_stat_activity: the server offers nothing to wait on
        }
    }

    private static StorageFailureException failureOf(Future<Snapshot> write) throws Exception {
        try {
            Snapshot unexpected = write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("the write was expected to fail, but returned " + unexpected);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(StorageFailureException.class);
            return (StorageFailureException) e.getCause();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
