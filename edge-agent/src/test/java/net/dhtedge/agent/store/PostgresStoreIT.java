package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.PostgresStores;
import net.dhtedge.agent.testing.Writes;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the PostgreSQL store has: opening on a JDBC URL with one clear line for bad settings,
 * day partitions and retention by partition, migrations on a server, and several stores (hubs) on
 * one database. The behaviours both stores share run in {@code PostgresPipelineStoreIT}, {@code
 * PostgresOutboxIT}, {@code PostgresLiveAggregatesIT} and {@code PostgresPipelineRulesIT}.
 */
class PostgresStoreIT {

  static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

  static PostgresStores pg;

  @TempDir Path dir;
  final MutableClock time = new MutableClock(T0);
  final AgentClock clock = AgentClock.over(time);

  @BeforeAll
  static void up() {
    pg = PostgresStores.start();
  }

  @AfterAll
  static void down() {
    if (pg != null) {
      pg.close();
    }
  }

  Store open() {
    return Store.open(StoreOptions.defaults(dir), pg.target(dir), clock);
  }

  static Reading reading(String dev, Instant ts, Long seq) {
    return new Reading(dev, ts, seq, 21.5, 40, "mqtt");
  }

  /** Stores the readings in one transaction, each unless it is a duplicate. */
  static void store(Store s, List<Reading> rs) {
    Writes.write(
        s,
        tx -> {
          for (Reading r : rs) {
            Tx.Key k = tx.dedup(r);
            if (k != Tx.Key.DUPLICATE) {
              tx.insertReading(r, r.ts(), k);
            }
          }
        });
  }

  Connection sql() throws SQLException {
    StoreTarget t = pg.target(dir);
    return DriverManager.getConnection(t.url(), t.user(), t.password().get());
  }

  long scalar(String query) throws SQLException {
    try (Connection c = sql();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  List<String> partitions() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = sql();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT k.relname FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid"
                    + " WHERE i.inhparent = 'readings'::regclass ORDER BY k.relname")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  // ---- opening: one clear line for each bad setting ----

  static String openFails(StoreTarget target, Path dir) {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> Store.open(StoreOptions.defaults(dir), target).close());
    assertThat(t).isInstanceOf(StoreException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }

  @Test
  void anUnreachableServerIsOneLineSayingSo() {
    int nobody = MosquittoBroker.freePort();
    String url = "jdbc:postgresql://127.0.0.1:" + nobody + "/agent";
    assertThat(openFails(StoreTarget.of(url, "edge", () -> "x"), dir))
        .startsWith("cannot reach PostgreSQL at " + url + " (")
        .contains("Connection refused");
  }

  @Test
  void aWrongPasswordIsOneLineNamingTheUser() {
    String url = pg.target(dir).url();
    assertThat(openFails(StoreTarget.of(url, "edge", () -> "not-the-password"), dir))
        .isEqualTo(
            "PostgreSQL at "
                + url
                + " refused user 'edge': wrong password or user not allowed (check store.user and"
                + " the password)");
  }

  @Test
  void aMissingDatabaseIsOneLineSayingToCreateIt() {
    String url = pg.server().url("no_such_db");
    assertThat(openFails(StoreTarget.of(url, "edge", pg.server()::password), dir))
        .startsWith("PostgreSQL at " + url + ": the database does not exist");
  }

  @Test
  void aServerOlderThanTheOldestSupportedIsRefusedWithOneLine() throws SQLException {
    StoreTarget t = pg.target(dir);
    int newer = pg.server().majorVersion() + 1;
    Throwable e =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                Store.open(
                        StoreOptions.defaults(dir),
                        t,
                        clock,
                        new PostgresDialect(t.url(), newer),
                        MigrationSource.classpath())
                    .close());
    assertThat(e).isInstanceOf(StoreException.class);
    assertThat(e.getMessage())
        .doesNotContain("\n")
        .startsWith("PostgreSQL " + pg.server().majorVersion() + ".")
        .endsWith(
            " at " + t.url() + " is too old: the store needs PostgreSQL " + newer + " or newer");
    assertThat(scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"))
        .as("nothing created on a refused server")
        .isZero();
    assertThat(PostgresDialect.OLDEST_SUPPORTED).isLessThanOrEqualTo(pg.server().majorVersion());
  }

  // ---- migrations ----

  @Test
  void migrationsAreAppliedOnceWithTheirChecksumsAndAnEditedOneIsRefused() throws SQLException {
    try (Store s = open()) {
      assertThat(s.schemaVersion()).isEqualTo(5);
    }
    long appliedAt = scalar("SELECT applied_at FROM schema_version WHERE version = 1");
    try (Store s = open()) {
      assertThat(s.schemaVersion()).isEqualTo(5);
    }
    assertThat(scalar("SELECT COUNT(*) FROM schema_version")).isEqualTo(5);
    assertThat(scalar("SELECT COUNT(*) FROM schema_version WHERE checksum IS NULL")).isZero();
    assertThat(scalar("SELECT applied_at FROM schema_version WHERE version = 1"))
        .as("V1 not applied again")
        .isEqualTo(appliedAt);
    long v1 =
        Migrations.load(MigrationSource.classpath(), new PostgresDialect("x")).get(0).checksum();
    assertThat(scalar("SELECT checksum FROM schema_version WHERE version = 1"))
        .as("the checksum of postgresql/V1.sql, the dialect's own file")
        .isEqualTo(v1);

    MigrationSource edited =
        name -> {
          Optional<String> text = MigrationSource.classpath().read(name);
          return name.equals("postgresql/V1.sql") ? text.map(t -> t + "-- edited\n") : text;
        };
    StoreTarget t = pg.target(dir);
    assertThatThrownBy(
            () ->
                Store.open(
                        StoreOptions.defaults(dir), t, clock, new PostgresDialect(t.url()), edited)
                    .close())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "schema migration postgresql/V1.sql was edited after it was applied to this database");
  }

  @Test
  void twoStoresOpeningAFreshDatabaseTogetherMigrateItOnce(@TempDir Path other) throws Exception {
    StoreTarget t = pg.target(dir);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<Store> a = pool.submit(() -> Store.open(StoreOptions.defaults(dir), t, clock));
      Future<Store> b = pool.submit(() -> Store.open(StoreOptions.defaults(other), t, clock));
      try (Store sa = a.get();
          Store sb = b.get()) {
        assertThat(sa.schemaVersion()).isEqualTo(5);
        assertThat(sb.schemaVersion()).isEqualTo(5);
      }
    }
    assertThat(scalar("SELECT COUNT(*) FROM schema_version")).isEqualTo(5);
    assertThat(partitions()).hasSize(PostgresDialect.DAYS_AHEAD + 2);
  }

  // ---- partitions ----

  @Test
  void readingsGoToTheirDayAndRetentionDropsWholeDaysInsteadOfDeletingRows() throws SQLException {
    try (Store s = open()) {
      assertThat(partitions())
          .as("today and %d days ahead, and the default", PostgresDialect.DAYS_AHEAD)
          .hasSize(PostgresDialect.DAYS_AHEAD + 2)
          .contains("readings_default", "readings_20261127", "readings_20261204");
      List<Reading> today = new ArrayList<>();
      for (long i = 0; i < 100; i++) {
        today.add(reading("d", T0.plusSeconds(i), i));
      }
      store(s, today);
      store(s, List.of(reading("d", T0.minus(Duration.ofDays(40)), 1000L)));
      store(s, List.of(reading("d", T0.plus(Duration.ofDays(20)), 2000L)));
      assertThat(scalar("SELECT COUNT(*) FROM readings_20261127")).isEqualTo(100);
      assertThat(scalar("SELECT COUNT(*) FROM readings_default"))
          .as("40 days back and 20 ahead: no day partition for them")
          .isEqualTo(2);

      // 14 days on: the day 20 days after T0 gets its partition, and its reading moves into it;
      // the reading 40 days back is past the 30-day retention: deleted from the default partition
      time.set(T0.plus(Duration.ofDays(14)));
      assertThat(s.runHousekeeping().readings())
          .as("readings removed after 14 days: the one 40 days back")
          .isEqualTo(1);
      assertThat(partitions()).contains("readings_20261217");
      assertThat(scalar("SELECT COUNT(*) FROM readings_20261217")).isEqualTo(1);
      assertThat(scalar("SELECT COUNT(*) FROM readings_default")).isZero();
      assertThat(scalar("SELECT COUNT(*) FROM readings_20261127")).isEqualTo(100);

      // 31 days on: the 30-day retention drops T0's day whole
      time.set(T0.plus(Duration.ofDays(31)));
      HousekeepingResult r = s.runHousekeeping();
      assertThat(r.readings()).as("T0's 100 readings, with their day").isEqualTo(100);
      assertThat(partitions()).doesNotContain("readings_20261127").contains("readings_20261228");
      assertThat(scalar("SELECT COUNT(*) FROM readings")).isEqualTo(1);
      assertThat(s.counts().readingsKept()).as("row_counts follows the dropped day").isEqualTo(1);
      assertThat(scalar("SELECT n FROM row_counts WHERE name = 'readings'")).isEqualTo(1);
      assertThat(s.readings("d", T0, T0.plusSeconds(100), Step.MINUTE, 10))
          .as("the aggregates outlive the raw day")
          .extracting(HistoryPoint::count)
          .containsExactly(60L, 40L);
    }
  }

  // ---- several stores (hubs) on one database ----
  @Test
  void twoStoresRunningRetentionAtOnceRemoveEachOldReadingOnceAndCountItOnce(@TempDir Path other)
      throws Exception {
    StoreTarget t = pg.target(dir);
    try (Store a = Store.open(StoreOptions.defaults(dir), t, clock);
        Store b = Store.open(StoreOptions.defaults(other), t, clock)) {
      List<Reading> rs = new ArrayList<>();
      for (long i = 0; i < 100; i++) {
        rs.add(reading("d", T0.plusSeconds(i), i)); // T0's day partition
        rs.add(reading("e", T0.minus(Duration.ofDays(40)).plusSeconds(i), i)); // the default
      }
      store(a, rs.subList(0, 100));
      store(b, rs.subList(100, 200));
      store(a, List.of(reading("d", T0.plus(Duration.ofDays(31)), 1000L))); // kept
      time.set(T0.plus(Duration.ofDays(31)));

      CompletableFuture<HousekeepingResult> ha = CompletableFuture.supplyAsync(a::runHousekeeping);
      CompletableFuture<HousekeepingResult> hb = CompletableFuture.supplyAsync(b::runHousekeeping);
      long ra = ha.join().readings();
      long rb = hb.join().readings();

      assertThat(ra + rb)
          .as("readings removed by a (%d) and b (%d) together, of 200 past retention", ra, rb)
          .isEqualTo(200);
      assertThat(scalar("SELECT COUNT(*) FROM readings")).isEqualTo(1);
      assertThat(scalar("SELECT n FROM row_counts WHERE name = 'readings'"))
          .as("row_counts after both")
          .isEqualTo(1);
      assertThat(partitions()).doesNotContain("readings_20261127");
    }
  }

  @Test
  void twoStoresInsertingTheSameReadingsAtOnceStoreEachExactlyOnce(@TempDir Path other)
      throws Exception {
    StoreTarget t = pg.target(dir);
    int devices = 20;
    int perDevice = 200;
    List<Reading> all = new ArrayList<>();
    for (int i = 0; i < perDevice; i++) { // interleaved: each batch of 50 touches 20 devices
      for (int d = 0; d < devices; d++) {
        // even devices send a seq, odd ones none (keyed by ts)
        all.add(reading("esp-" + d, T0.plusMillis(i * 1000L), d % 2 == 0 ? (long) i : null));
      }
    }
    try (Store a = Store.open(StoreOptions.defaults(dir), t, clock);
        Store b = Store.open(StoreOptions.defaults(other), t, clock)) {
      // each store gets every reading (a broker without shared subscriptions), in batches of 50,
      // b in the reverse order: the same keys and new devices meet from both sides
      List<Reading> reversed = new ArrayList<>(all);
      java.util.Collections.reverse(reversed);
      CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> inBatches(a, all, 50));
      CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> inBatches(b, reversed, 50));
      CompletableFuture.allOf(fa, fb).join();

      long expected = (long) devices * perDevice;
      long rows = scalar("SELECT COUNT(*) FROM readings");
      long distinct =
          scalar("SELECT COUNT(*) FROM (SELECT DISTINCT device, ts, seq FROM readings) AS x");
      long stored = a.readingsStoredSinceStart() + b.readingsStoredSinceStart();
      assertThat(rows)
          .as(
              "rows in readings (%d distinct) for %d readings sent to two stores; a stored %d, b"
                  + " %d; batches tried again after a deadlock between them: %d",
              distinct,
              expected,
              a.readingsStoredSinceStart(),
              b.readingsStoredSinceStart(),
              a.conflictsRetried() + b.conflictsRetried())
          .isEqualTo(expected);
      assertThat(distinct).isEqualTo(expected);
      assertThat(stored).as("stored as counted by the two stores").isEqualTo(expected);
      assertThat(scalar("SELECT SUM(readings) FROM devices"))
          .as("devices.readings summed")
          .isEqualTo(expected);
      assertThat(scalar("SELECT COUNT(*) FROM devices")).as("device rows").isEqualTo(devices);
      assertThat(scalar("SELECT n FROM row_counts WHERE name = 'readings'")).isEqualTo(expected);
      assertThat(scalar("SELECT MIN(max_seq) FROM devices WHERE device_id = 'esp-0'"))
          .isEqualTo(perDevice - 1);
      System.out.printf(
          "two stores: %d readings each, %d rows; a stored %d, b %d; %d batches retried after a"
              + " deadlock%n",
          expected,
          rows,
          a.readingsStoredSinceStart(),
          b.readingsStoredSinceStart(),
          a.conflictsRetried() + b.conflictsRetried());
    }
  }

  @Test
  void aBatchThatDeadlocksWithAnotherWriterIsTriedAgainAndStoredOnce() throws Exception {
    try (Store s = open()) {
      store(s, List.of(reading("d1", T0, 1L), reading("d2", T0, 1L)));
      try (Connection other = sql()) {
        other.setAutoCommit(false);
        try (Statement st = other.createStatement()) {
          // this session must not be the one the server picks to abort: it checks after 10 s
          st.execute("SET deadlock_timeout = '10s'");
          st.execute("UPDATE devices SET readings = readings WHERE device_id = 'd2'");
        }
        // the store's batch updates d1 then d2 (id order) and waits for d2
        CompletableFuture<Void> batch =
            CompletableFuture.runAsync(
                () ->
                    store(
                        s,
                        List.of(
                            reading("d1", T0.plusSeconds(1), 2L),
                            reading("d2", T0.plusSeconds(1), 2L))));
        try (Connection watch = sql()) {
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> {
                    try (Statement st = watch.createStatement();
                        ResultSet rs =
                            st.executeQuery(
                                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name ="
                                    + " 'edge-agent' AND wait_event_type = 'Lock'")) {
                      rs.next();
                      return rs.getInt(1) > 0;
                    }
                  });
        }
        // now wait for d1 the other way round: a deadlock, which the server breaks by aborting
        // the store's batch (it waited first, so it checks first)
        try (Statement st = other.createStatement()) {
          st.execute("UPDATE devices SET readings = readings WHERE device_id = 'd1'");
        }
        other.commit();
        batch.join();
      }
      assertThat(s.conflictsRetried()).as("batches tried again after the deadlock").isEqualTo(1);
      assertThat(scalar("SELECT COUNT(*) FROM readings")).isEqualTo(4);
      assertThat(scalar("SELECT SUM(readings) FROM devices")).isEqualTo(4);
      assertThat(s.health().healthy()).as("a conflict tried again is not a failure").isTrue();
    }
  }

  static void inBatches(Store s, List<Reading> rs, int n) {
    for (int i = 0; i < rs.size(); i += n) {
      store(s, rs.subList(i, Math.min(rs.size(), i + n)));
    }
  }

  @Test
  void aReadingAnotherStoreHasStoredSinceIsNotStoredAgain(@TempDir Path other) throws Exception {
    StoreTarget t = pg.target(dir);
    try (Store a = Store.open(StoreOptions.defaults(dir), t, clock);
        Store b = Store.open(StoreOptions.defaults(other), t, clock)) {
      store(a, List.of(reading("d", T0, 1L)));
      store(b, List.of(reading("d", T0, 1L), reading("d", T0.plusSeconds(1), 2L)));
      store(a, List.of(reading("d", T0.plusSeconds(1), 2L), reading("d", T0.plusSeconds(2), 3L)));
      store(b, List.of(reading("d", T0.plusSeconds(3), null), reading("d", T0, 1L)));
      store(a, List.of(reading("d", T0.plusSeconds(3), null)));

      assertThat(scalar("SELECT COUNT(*) FROM readings")).isEqualTo(4);
      assertThat(scalar("SELECT readings FROM devices WHERE device_id = 'd'")).isEqualTo(4);
      assertThat(a.readingsStoredSinceStart() + b.readingsStoredSinceStart()).isEqualTo(4);
      assertThat(scalar("SELECT max_seq FROM devices WHERE device_id = 'd'"))
          .as("the highest seq never goes back when the other store writes an older maximum")
          .isEqualTo(3);
    }
  }
}
