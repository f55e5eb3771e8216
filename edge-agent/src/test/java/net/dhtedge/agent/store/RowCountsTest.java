package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.pipeline.Pipeline;
import net.dhtedge.agent.pipeline.PipelineOptions;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page's row counts come from the writer, never from a COUNT(*) scan. */
class RowCountsTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock time = new MutableClock(T0);
  final AgentClock clock = AgentClock.over(time);

  Pipeline open() {
    return Pipeline.open(
        Records.with(StoreOptions.defaults(dir), "housekeepingChunk", 7),
        Records.with(
            TestRules.classic(), "temperature", Threshold.none(), "humidity", Threshold.none()),
        PipelineOptions.defaults(),
        clock);
  }

  static long scalar(Store s, String sql) {
    return s.query(c -> Queries.scalar(c, sql));
  }

  static void assertCountsMatchTheTables(Store s) {
    StoreCounts counts = s.counts();
    assertThat(counts.readingsKept()).isEqualTo(scalar(s, "SELECT COUNT(*) FROM readings"));
    assertThat(counts.readFailuresKept())
        .isEqualTo(scalar(s, "SELECT COUNT(*) FROM read_failures"));
    assertThat(s.recentCounts().readingsKept()).isEqualTo(counts.readingsKept());
  }

  void fill(Pipeline p) {
    Instant old = T0.minus(Duration.ofDays(40));
    for (long i = 0; i < 30; i++) {
      p.submit(new Reading("d", old.plusSeconds(i), i, 20, 40, "sim"));
    }
    for (long i = 30; i < 45; i++) {
      p.submit(new Reading("d", T0.minusSeconds(100 - i), i, 20, 40, "sim"));
    }
    p.submit(new Reading("d", T0.minusSeconds(100), 30L, 20, 40, "sim")); // a duplicate
    p.recordFailure("d", old, "checksum");
    p.recordFailure("d", T0, "timeout");
    p.submit(new Reading("e", T0, 1L, 20, 40, "sim")).join();
  }

  @Test
  void countsFollowInsertsDuplicatesRetentionAndARestart() {
    try (Pipeline p = open()) {
      fill(p);
      assertThat(p.store().counts().readingsKept()).isEqualTo(46);
      assertThat(p.store().counts().readFailuresKept()).isEqualTo(2);
      assertCountsMatchTheTables(p.store());

      p.store().runHousekeeping();

      assertThat(p.store().counts().readingsKept()).isEqualTo(16);
      assertThat(p.store().counts().readFailuresKept()).isEqualTo(1);
      assertCountsMatchTheTables(p.store());
    }
    try (Pipeline p = open()) {
      assertThat(p.store().counts().readingsKept()).isEqualTo(16);
      assertCountsMatchTheTables(p.store());
    }
  }

  @Test
  void aDatabaseFromBeforeTheCountsGetsThemCountedOnceWhenItIsUpgraded() throws SQLException {
    try (Pipeline p = open()) {
      fill(p);
    }
    // Back to schema 2, as a database written by an earlier version looks.
    HsqldbDialect d = new HsqldbDialect();
    try (Connection c =
            DriverManager.getConnection(
                d.jdbcUrl(StoreOptions.defaults(dir).dbDir()), d.connectionProperties());
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE row_counts");
      s.execute("ALTER TABLE devices DROP COLUMN agg_1m_live");
      s.execute("ALTER TABLE devices DROP COLUMN agg_1h_live");
      s.execute("DELETE FROM schema_version WHERE version >= 3");
      s.execute("SHUTDOWN");
    }
    try (Pipeline p = open()) {
      assertThat(p.store().schemaVersion()).isGreaterThanOrEqualTo(3);
      assertThat(p.store().counts().readingsKept()).isEqualTo(46);
      assertThat(p.store().counts().readFailuresKept()).isEqualTo(2);
      assertCountsMatchTheTables(p.store());
    }
  }
}
