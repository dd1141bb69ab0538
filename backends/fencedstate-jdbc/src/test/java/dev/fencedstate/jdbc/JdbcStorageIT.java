package dev.fencedstate.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fencedstate.CorruptStateException;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Snapshot;
import dev.fencedstate.StorageFailureException;
import dev.fencedstate.UnsupportedFormatException;
import dev.fencedstate.spi.StorageRead;
import dev.fencedstate.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the JDBC backend promises beyond the contract kit: schema, namespaces, exact rows, the database clock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@Tag("postgres")
class JdbcStorageIT {

    private final DataSource pool = TestDatabase.sharedPool();

    private JdbcStorage storage(String store) {
        return JdbcStorage.builder(pool).store(store).build();
    }

    private static StoredRecord record(String key, long revision, byte[] value, String holder, Instant deadline,
            Instant committedAt) {
        return new StoredRecord(key, revision, revision, 3, value, holder, deadline, "writer-1", committedAt,
                "commit-" + revision);
    }

    private void sql(String statement) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }

    private Instant databaseNow() throws SQLException {
        try (Connection connection = pool.getConnection(); Statement s = connection.createStatement();
                ResultSet result = s.executeQuery("SELECT clock_timestamp()")) {
            result.next();
            return result.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    @Nested
    @DisplayName("the primitive")
    class Primitive {

        @Test
        @DisplayName("every field round-trips exactly, instants to the nanosecond")
        void recordRoundTripsExactly() {
            JdbcStorage storage = storage(TestDatabase.uniqueStore("roundtrip"));
            Instant deadline = Instant.parse("2031-02-03T04:05:06.123456789Z");
            Instant committedAt = Instant.parse("1999-12-31T23:59:59.999999999Z");
            StoredRecord written = record("doc", 1, new byte[] {0, 1, (byte) 0xff, 0}, "holder-\u00e9", deadline,
                    committedAt);

            assertThat(storage.compareAndSet(null, written)).isNotNull();

            StoredRecord read = storage.read("doc").record();
            assertThat(read).isEqualTo(written);
            assertThat(read.leaseDeadline()).isEqualTo(deadline);
            assertThat(read.lastCommitAt()).isEqualTo(committedAt);
        }

        @Test
        @DisplayName("insert-if-absent succeeds once; an update succeeds only from the current revision")
        void conditionalWrites() {
            JdbcStorage storage = storage(TestDatabase.uniqueStore("cas"));
            Instant t = Instant.parse("2030-01-01T00:00:00Z");
            StoredRecord first = record("k", 1, bytes("one"), null, null, t);
            StoredRecord second = record("k", 2, bytes("two"), null, null, t);
            StoredRecord third = record("k", 3, bytes("three"), null, null, t);

            assertThat(storage.compareAndSet(null, first)).isNotNull();
            assertThat(storage.compareAndSet(null, second)).as("insert over an existing row").isNull();
            assertThat(storage.compareAndSet(first, second)).isNotNull();
            assertThat(storage.compareAndSet(first, third)).as("update from a stale revision").isNull();
            assertThat(storage.read("k").record()).isEqualTo(second);
        }

        @Test
        @DisplayName("a write that carries the value over unchanged keeps it; a new array replaces it")
        void valueCarriedOverIsKept() {
            JdbcStorage storage = storage(TestDatabase.uniqueStore("keep"));
            Instant t = Instant.parse("2030-01-01T00:00:00Z");
            assertThat(storage.compareAndSet(null, record("k", 1, bytes("value"), null, null, t))).isNotNull();
            StoredRecord current = storage.read("k").record();

            StoredRecord claimed = new StoredRecord("k", 2, current.version(), current.epoch() + 1, current.value(),
                    "holder", t.plusSeconds(30), current.lastWriter(), current.lastCommitAt(), current.lastCommitId());
            assertThat(storage.compareAndSet(current, claimed)).isNotNull();
            assertThat(storage.read("k").record()).isEqualTo(claimed);

            StoredRecord rewritten = new StoredRecord("k", 3, 2, claimed.epoch(), bytes("value2"), null, null,
                    "w", t, "c2");
            assertThat(storage.compareAndSet(claimed, rewritten)).isNotNull();
            assertThat(storage.read("k").record()).isEqualTo(rewritten);
        }

        @Test
        @DisplayName("keys() is sorted in Java's String order, not the database collation's")
        void keysInJavaOrder() {
            FencedStore store = FencedStore.builder(storage(TestDatabase.uniqueStore("order"))).build();
            // U+FFFD sorts after a surrogate pair in UTF-16 (Java) but before U+1F600 in code-point order (C collation).
            List<String> keys = List.of("\uFFFD", "\uD83D\uDE00", "b", "B", "a b", "\u00e9", "z");
            for (String key : keys) {
                store.commit(store.read(key), bytes(key));
            }
            List<String> javaOrder = new ArrayList<>(keys);
            javaOrder.sort(null);
            assertThat(store.keys()).containsExactlyElementsOf(javaOrder);
        }

        @Test
        @DisplayName("keys and values that look like SQL are data, nothing more")
        void sqlLookingInputIsData() {
            JdbcStorage storage = storage(TestDatabase.uniqueStore("sql'; DROP TABLE fencedstate_records; --"));
            FencedStore store = FencedStore.builder(storage).build();
            String key = "'); DELETE FROM fencedstate_records; --";
            store.commit(store.read(key), bytes("\\x00' OR '1'='1"));
            assertThat(store.read(key).valueAsUtf8()).contains("\\x00' OR '1'='1");
            assertThat(store.keys()).containsExactly(key);
        }
    }

    @Nested
    @DisplayName("the database clock")
    class DatabaseClock {

        @Test
        @DisplayName("a read returns the database's time, taken in the same statement")
        void readReturnsDatabaseTime() throws SQLException {
            JdbcStorage storage = storage(TestDatabase.uniqueStore("clock"));
            Instant before = databaseNow();
            StorageRead read = storage.read("any");
            Instant after = databaseNow();
            assertThat(read.now()).isBetween(before, after);
        }

        @Test
        @DisplayName("the test offset moves the storage's time by exactly the offset, to the nanosecond")
        void offsetMovesTimeExactly() throws SQLException {
            Duration offset = Duration.ofDays(400).plusNanos(123);
            JdbcStorage storage = JdbcStorage.builder(pool).store(TestDatabase.uniqueStore("offset"))
                    .clockOffset(() -> offset).build();
            Instant before = databaseNow();
            StorageRead read = storage.read("any");
            Instant after = databaseNow();
            assertThat(read.now().minus(offset)).isBetween(before, after);
            assertThat(read.now().getNano() % 1000).isEqualTo(123);
        }
    }

    @Nested
    @DisplayName("stores and tables")
    class Namespaces {

        @Test
        @DisplayName("stores in one table never see each other's keys")
        void storesAreSeparate() {
            FencedStore a = FencedStore.builder(storage(TestDatabase.uniqueStore("a"))).build();
            FencedStore b = FencedStore.builder(storage(TestDatabase.uniqueStore("b"))).build();
            a.commit(a.read("shared-name"), bytes("from a"));
            assertThat(b.read("shared-name").exists()).isFalse();
            b.commit(b.read("shared-name"), bytes("from b"));
            assertThat(a.read("shared-name").valueAsUtf8()).contains("from a");
            assertThat(a.keys()).containsExactly("shared-name");
            assertThat(b.read("shared-name").version()).isEqualTo(1);
        }

        @Test
        @DisplayName("a schema-qualified table is created in that schema and used")
        void schemaQualifiedTable() throws SQLException {
            String schema = TestDatabase.uniqueTable("s");
            sql("CREATE SCHEMA " + schema);
            JdbcStorage storage = JdbcStorage.builder(pool).table(schema + ".records").store("x").build();
            FencedStore store = FencedStore.builder(storage).build();
            store.commit(store.read("k"), bytes("v"));
            try (Connection connection = pool.getConnection(); Statement s = connection.createStatement();
                    ResultSet result = s.executeQuery("SELECT count(*) FROM " + schema + ".records")) {
                result.next();
                assertThat(result.getInt(1)).isEqualTo(1);
            }
            assertThat(storage.describe()).isEqualTo("postgresql:" + schema + ".records[store=x]");
        }

        @Test
        @DisplayName("table names must be plain identifiers; anything else is refused before connecting")
        void tableNamesAreValidated() {
            for (String valid : List.of("t", "_t", "fencedstate_records", "agents.state_2", "a".repeat(56),
                    "s".repeat(63) + ".t")) {
                assertThat(TableName.parse(valid).toString()).isEqualTo(valid);
            }
            for (String invalid : List.of("", "Records", "1table", "t-1", "t;drop table x", "\"t\"", "a.b.c", ".t",
                    "s.", "t ", "täble", "a".repeat(57), "s".repeat(64) + ".t", "t\u0000")) {
                assertThatThrownBy(() -> JdbcStorage.builder(pool).table(invalid))
                        .as("table name %s", invalid).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("Invalid table name");
            }
        }

        @Test
        @DisplayName("store names must be 1 to 256 bytes of printable text")
        void storeNamesAreValidated() {
            for (String invalid : List.of("", "line\nbreak", "x".repeat(257))) {
                assertThatThrownBy(() -> JdbcStorage.builder(pool).store(invalid))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(JdbcStorage.builder(pool).store("x".repeat(256)).build().store()).hasSize(256);
        }
    }

    @Nested
    @DisplayName("schema")
    class Schema {

        @Test
        @DisplayName("many instances starting at once on a new table all succeed and create it once")
        void concurrentStartsSucceed() throws Exception {
            int starters = 8;
            for (int round = 0; round < 3; round++) {
                String table = TestDatabase.uniqueTable("race");
                CyclicBarrier barrier = new CyclicBarrier(starters);
                ExecutorService threads = Executors.newFixedThreadPool(starters);
                try {
                    List<Future<JdbcStorage>> started = new ArrayList<>();
                    for (int i = 0; i < starters; i++) {
                        // A connection per starter, not the shared pool, as separate hosts would have.
                        DataSource own = TestDatabase.shared().simple("starter-" + i, "");
                        Callable<JdbcStorage> start = () -> {
                            barrier.await(20, TimeUnit.SECONDS);
                            return JdbcStorage.builder(own).table(table).build();
                        };
                        started.add(threads.submit(start));
                    }
                    for (Future<JdbcStorage> future : started) {
                        assertThat(future.get(30, TimeUnit.SECONDS).table()).isEqualTo(table);
                    }
                } finally {
                    threads.shutdownNow();
                }
                assertThat(count("SELECT count(*) FROM " + table + "_schema")).isEqualTo(1);
                assertThat(count("SELECT version FROM " + table + "_schema")).isEqualTo(JdbcStorage.SCHEMA_VERSION);
            }
        }

        @Test
        @DisplayName("reopening is idempotent and keeps the data")
        void reopenKeepsData() {
            String table = TestDatabase.uniqueTable("reopen");
            FencedStore first = FencedStore.builder(JdbcStorage.builder(pool).table(table).build()).build();
            first.commit(first.read("k"), bytes("v"));
            FencedStore second = FencedStore.builder(JdbcStorage.builder(pool).table(table).build()).build();
            assertThat(second.read("k").valueAsUtf8()).contains("v");
        }

        @Test
        @DisplayName("a schema migrated by a newer release is refused with UnsupportedFormat and left as it is")
        void newerSchemaIsRefused() throws SQLException {
            String table = TestDatabase.uniqueTable("newer");
            JdbcStorage.builder(pool).table(table).build();
            sql("UPDATE " + table + "_schema SET version = " + (JdbcStorage.SCHEMA_VERSION + 1));

            UnsupportedFormatException refused = catchThrowableOfType(UnsupportedFormatException.class,
                    () -> JdbcStorage.builder(pool).table(table).build());
            assertThat(refused.foundVersion()).isEqualTo(JdbcStorage.SCHEMA_VERSION + 1);
            assertThat(refused.supportedVersion()).isEqualTo(JdbcStorage.SCHEMA_VERSION);
            assertThat(refused).hasMessageContaining(table);
            assertThat(count("SELECT version FROM " + table + "_schema")).isEqualTo(JdbcStorage.SCHEMA_VERSION + 1);
        }

        @Test
        @DisplayName("with schema creation off, a missing table is a clear startup error and nothing is created")
        void missingTableWithoutCreation() throws SQLException {
            String table = TestDatabase.uniqueTable("missing");
            StorageFailureException failure = catchThrowableOfType(StorageFailureException.class,
                    () -> JdbcStorage.builder(pool).table(table).createSchema(false).build());
            assertThat(failure).hasMessageContaining("does not exist").hasMessageContaining("createSchema(true)");
            assertThat(failure.outcomeKnown()).isTrue();
            assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename LIKE '" + table + "%'")).isZero();

            JdbcStorage.builder(pool).table(table).build();
            assertThat(JdbcStorage.builder(pool).table(table).createSchema(false).build().table()).isEqualTo(table);
        }

        @Test
        @DisplayName("a record written in a newer format is refused, and one in no known format is corrupt")
        void unknownRecordFormats() throws SQLException {
            String store = TestDatabase.uniqueStore("format");
            FencedStore store1 = FencedStore.builder(storage(store)).build();
            store1.commit(store1.read("newer"), bytes("v"));
            store1.commit(store1.read("broken"), bytes("v"));
            try (Connection connection = pool.getConnection(); PreparedStatement update = connection.prepareStatement(
                    "UPDATE fencedstate_records SET format = ? WHERE store = ? AND key = ?")) {
                update.setShort(1, (short) (JdbcStorage.RECORD_FORMAT + 1));
                update.setString(2, store);
                update.setString(3, "newer");
                update.executeUpdate();
                update.setShort(1, (short) 0);
                update.setString(3, "broken");
                update.executeUpdate();
            }

            UnsupportedFormatException newer = catchThrowableOfType(UnsupportedFormatException.class,
                    () -> store1.read("newer"));
            assertThat(newer.foundVersion()).isEqualTo(JdbcStorage.RECORD_FORMAT + 1);
            assertThatThrownBy(() -> store1.update("newer", s -> bytes("overwrite")))
                    .isInstanceOf(UnsupportedFormatException.class);
            CorruptStateException corrupt = catchThrowableOfType(CorruptStateException.class,
                    () -> store1.read("broken"));
            assertThat(corrupt.location()).contains("fencedstate_records").contains("broken");
            assertThat(count("SELECT count(*) FROM fencedstate_records WHERE store = '" + store
                    + "' AND version = 1 AND format IN (0, 2)")).as("both rows left untouched").isEqualTo(2);
        }

        @Test
        @DisplayName("a row edited by hand so that it breaks a record invariant is reported as corrupt, and kept")
        void rowsBreakingInvariantsAreCorrupt() throws SQLException {
            String store = TestDatabase.uniqueStore("invariants");
            FencedStore writer = FencedStore.builder(storage(store)).build();
            Map<String, String> edits = new LinkedHashMap<>();
            edits.put("revision-0", "revision = 0");
            edits.put("negative-version", "version = -1");
            edits.put("negative-epoch", "epoch = -1");
            edits.put("holder-without-lease", "holder = 'h'");
            edits.put("lease-without-holder", "lease_deadline = clock_timestamp()");
            edits.put("nanos-out-of-range", "last_commit_nanos = 1000");
            edits.put("commit-time-without-id", "last_commit_id = NULL");
            for (Map.Entry<String, String> edit : edits.entrySet()) {
                writer.commit(writer.read(edit.getKey()), bytes("v"));
                try (Connection connection = pool.getConnection(); PreparedStatement update = connection
                        .prepareStatement("UPDATE fencedstate_records SET " + edit.getValue()
                                + " WHERE store = ? AND key = ?")) {
                    update.setString(1, store);
                    update.setString(2, edit.getKey());
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
            }

            for (String key : edits.keySet()) {
                CorruptStateException corrupt = catchThrowableOfType(CorruptStateException.class,
                        () -> writer.read(key));
                assertThat(corrupt).as(key).isNotNull();
                assertThat(corrupt.location()).contains(key);
                assertThatThrownBy(() -> writer.update(key, s -> bytes("overwrite"))).as(key)
                        .isInstanceOf(CorruptStateException.class);
            }
            assertThat(count("SELECT count(*) FROM fencedstate_records WHERE store = '" + store
                    + "' AND version = 1")).as("every row left as it was").isEqualTo(edits.size() - 1);
        }
    }

    @Nested
    @DisplayName("failures")
    class Failures {

        @Test
        @DisplayName("a database that cannot be reached fails startup with a StorageFailure")
        void unreachableDatabase() {
            DataSource nowhere = new TestDatabase.Server("jdbc:postgresql://127.0.0.1:" + TestDatabase.freePort()
                    + "/postgres?connectTimeout=2", "postgres", "").simple("nowhere", "");
            StorageFailureException failure = catchThrowableOfType(StorageFailureException.class,
                    () -> JdbcStorage.open(nowhere));
            assertThat(failure.outcomeKnown()).isTrue();
            assertThat(failure).hasMessageContaining("Cannot prepare the fencedstate table fencedstate_records");
        }

        @Test
        @DisplayName("a write that cannot get a connection has a known outcome: nothing was written")
        void failureBeforeSendingIsKnown() {
            String store = TestDatabase.uniqueStore("closed");
            var closingPool = TestDatabase.shared().pool("closing", 2);
            JdbcStorage storage = JdbcStorage.builder(closingPool).store(store).build();
            StoredRecord current = storage.read("k").record();
            closingPool.close();

            StorageFailureException failure = catchThrowableOfType(StorageFailureException.class,
                    () -> storage.compareAndSet(current, record("k", 1, bytes("v"), null, null, Instant.EPOCH)));
            assertThat(failure.outcomeKnown()).isTrue();
            assertThat(failure.isRetryable()).isTrue();
            assertThat(failure).hasMessageContaining("Nothing was written");
            assertThat(storage(store).read("k").record()).isNull();
        }

        @Test
        @DisplayName("under SERIALIZABLE, a write that loses to a concurrent one returns false, not an error")
        void serializationFailureIsALostCompareAndSet() throws Exception {
            String store = TestDatabase.uniqueStore("serializable");
            String application = "serializable-" + store.substring(store.length() - 12);
            DataSource serializable = TestDatabase.shared().simple(application,
                    "-c default_transaction_isolation=serializable");
            JdbcStorage storage = JdbcStorage.builder(serializable).store(store).build();
            Instant t = Instant.parse("2030-01-01T00:00:00Z");
            StoredRecord first = record("k", 1, bytes("one"), null, null, t);
            assertThat(storage.compareAndSet(null, first)).isNotNull();

            ExecutorService thread = Executors.newSingleThreadExecutor();
            try (Connection concurrent = pool.getConnection()) {
                concurrent.setAutoCommit(false);
                try (PreparedStatement update = concurrent.prepareStatement(
                        "UPDATE fencedstate_records SET revision = 2 WHERE store = ? AND key = 'k'")) {
                    update.setString(1, store);
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
                Future<StoredRecord> waiting = thread.submit(
                        () -> storage.compareAndSet(first, record("k", 2, bytes("two"), null, null, t)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (TestDatabase.sessionWaitingOn(pool, application, "Lock") == 0) {
                    assertThat(System.nanoTime()).as("the write waits for the row lock").isLessThan(deadline);
                    Thread.sleep(10); // polling pg_stat_activity: the server offers nothing to wait on
                }
                concurrent.commit(); // the waiting UPDATE now fails with 40001 (could not serialize access)

                assertThat(waiting.get(30, TimeUnit.SECONDS)).isNull();
            } finally {
                thread.shutdownNow();
            }
            assertThat(storage.read("k").record().revision()).isEqualTo(2);
            assertThat(storage.read("k").record().value()).isEqualTo(bytes("one"));
        }

        @Test
        @DisplayName("SQLStates of a lost connection or a terminated session mean an unknown outcome; others do not")
        void outcomeClassification() {
            SqlDialect dialect = PostgresDialect.INSTANCE;
            for (String unknown : List.of("08006", "08003", "08000", "57P01", "57P02", "57P03", "58030", "XX000")) {
                assertThat(dialect.outcomeUnknown(new SQLException("x", unknown))).as(unknown).isTrue();
            }
            assertThat(dialect.outcomeUnknown(new SQLException("no state"))).isTrue();
            assertThat(dialect.outcomeUnknown(new SQLException("wrapped", "XX999",
                    new java.io.EOFException()))).isTrue();
            for (String known : List.of("23505", "22001", "42P01", "40001", "40P01", "57014", "53300", "25006")) {
                assertThat(dialect.outcomeUnknown(new SQLException("x", known))).as(known).isFalse();
            }
            assertThat(dialect.lostToConcurrentWrite(new SQLException("x", "40001"))).isTrue();
            assertThat(dialect.lostToConcurrentWrite(new SQLException("x", "40P01"))).isFalse();
        }
    }

    @Test
    @DisplayName("a snapshot read through FencedStore carries the commit's id and the database time of the commit")
    void snapshotCarriesCommitIdAndDatabaseTime() throws SQLException {
        FencedStore store = FencedStore.builder(storage(TestDatabase.uniqueStore("commit-id"))).build();
        Instant before = databaseNow();
        Snapshot committed = store.commit(store.read("k"), bytes("v"));
        Instant after = databaseNow();
        assertThat(committed.commitId()).isPresent();
        assertThat(store.read("k").commitId()).isEqualTo(committed.commitId());
        assertThat(store.read("k").lastCommitAt()).hasValueSatisfying(at -> assertThat(at).isBetween(before, after));
    }

    private long count(String query) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement s = connection.createStatement();
                ResultSet result = s.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
