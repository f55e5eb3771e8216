package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Numbered schema migrations, applied in order at start-up inside one transaction each and recorded
 * in {@code schema_version}. Add a migration at the end; never edit an applied one.
 */
final class Migrations {

  record Migration(int version, String description, List<String> statements) {}

  private Migrations() {}

  static List<Migration> all(Dialect dialect) {
    return List.of(
        new Migration(
            1,
            "devices, readings, aggregates, failures, incidents, alerts, outbox",
            List.of(
                "CREATE TABLE devices (id INTEGER NOT NULL PRIMARY KEY,"
                    + " device_id VARCHAR(64) NOT NULL UNIQUE, first_seen BIGINT NOT NULL,"
                    + " last_seen BIGINT, last_ts BIGINT, last_seq BIGINT,"
                    + " last_temperature DOUBLE PRECISION, last_humidity DOUBLE PRECISION,"
                    + " last_source VARCHAR(32), readings BIGINT NOT NULL, max_seq BIGINT,"
                    + " max_ts_key BIGINT)",
                // dedup_kind 0: dedup_value is the device's seq; 1: seq absent, dedup_value is ts.
                // The key does not start with device on purpose: HSQLDB prefers a unique index
                // whose leading column has an equality condition, and history and retention
                // queries (device = ? AND ts ...) must use readings_device_ts instead.
                "CREATE TABLE readings (device INTEGER NOT NULL, dedup_kind SMALLINT NOT NULL,"
                    + " dedup_value BIGINT NOT NULL, ts BIGINT NOT NULL, seq BIGINT,"
                    + " temperature DOUBLE PRECISION NOT NULL, humidity DOUBLE PRECISION NOT NULL,"
                    + " source VARCHAR(32) NOT NULL, received BIGINT NOT NULL,"
                    + " PRIMARY KEY (dedup_kind, device, dedup_value))",
                "CREATE INDEX readings_device_ts ON readings (device, ts)",
                "CREATE TABLE read_failures (id BIGINT NOT NULL PRIMARY KEY,"
                    + " device INTEGER NOT NULL, ts BIGINT NOT NULL, reason VARCHAR(64) NOT NULL)",
                "CREATE INDEX read_failures_device_ts ON read_failures (device, ts)",
                aggregateTable("agg_1m"),
                aggregateTable("agg_1h"),
                "CREATE TABLE incidents (id BIGINT NOT NULL PRIMARY KEY,"
                    + " device_id VARCHAR(64) NOT NULL, rule VARCHAR(32) NOT NULL,"
                    + " metric VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL,"
                    + " severity VARCHAR(16) NOT NULL, value DOUBLE PRECISION,"
                    + " threshold DOUBLE PRECISION, message VARCHAR(500) NOT NULL,"
                    + " opened_at BIGINT NOT NULL, acknowledged_at BIGINT,"
                    + " acknowledged_by VARCHAR(64), resolved_at BIGINT, resolved_by VARCHAR(64))",
                "CREATE INDEX incidents_status ON incidents (status, id)",
                "CREATE TABLE incident_events (id BIGINT NOT NULL PRIMARY KEY,"
                    + " incident_id BIGINT NOT NULL REFERENCES incidents (id),"
                    + " ts BIGINT NOT NULL, event VARCHAR(16) NOT NULL, actor VARCHAR(64),"
                    + " value DOUBLE PRECISION, message VARCHAR(500) NOT NULL)",
                "CREATE INDEX incident_events_incident ON incident_events (incident_id, id)",
                "CREATE TABLE alerts (id BIGINT NOT NULL PRIMARY KEY,"
                    + " incident_id BIGINT NOT NULL REFERENCES incidents (id),"
                    + " alert_type VARCHAR(16) NOT NULL, severity VARCHAR(16) NOT NULL,"
                    + " value DOUBLE PRECISION, message VARCHAR(500) NOT NULL, ts BIGINT NOT NULL)",
                // state 0 pending, 1 confirmed, 2 dropped (Kura's data store model).
                "CREATE TABLE outbox (id BIGINT NOT NULL PRIMARY KEY, topic VARCHAR(255) NOT NULL,"
                    + " payload "
                    + dialect.binaryType()
                    + " NOT NULL, qos SMALLINT NOT NULL, retained BOOLEAN NOT NULL,"
                    + " priority SMALLINT NOT NULL, state SMALLINT NOT NULL,"
                    + " created_at BIGINT NOT NULL, published_at BIGINT, confirmed_at BIGINT,"
                    + " dropped_at BIGINT)",
                "CREATE INDEX outbox_state ON outbox (state, priority, id)")),
        // The mail queue moved here from <data_dir>/mail so a mail commits with its incident.
        new Migration(
            2,
            "mail queue and last mail per (device, rule)",
            List.of(
                // sent_at null = pending. One row per (incident, change): a transition seen twice
                // queues one mail. The job's fields are copied: a mail needs no join to be sent.
                "CREATE TABLE mail_queue (incident_id BIGINT NOT NULL, change VARCHAR(16) NOT NULL,"
                    + " device_id VARCHAR(64) NOT NULL, rule VARCHAR(32) NOT NULL,"
                    + " metric VARCHAR(16) NOT NULL, value DOUBLE PRECISION,"
                    + " threshold DOUBLE PRECISION, message VARCHAR(500) NOT NULL,"
                    + " opened_at BIGINT NOT NULL, ts BIGINT NOT NULL, created_at BIGINT NOT NULL,"
                    + " attempts INTEGER NOT NULL, last_error VARCHAR(500), sent_at BIGINT,"
                    + " PRIMARY KEY (incident_id, change))",
                "CREATE INDEX mail_queue_sent ON mail_queue (sent_at)",
                // The rate limit's memory: kept apart so retention can delete old mail rows.
                "CREATE TABLE mail_last_sent (device_id VARCHAR(64) NOT NULL,"
                    + " rule VARCHAR(32) NOT NULL, sent_at BIGINT NOT NULL,"
                    + " PRIMARY KEY (device_id, rule))")),
        new Migration(
            3,
            "row counts kept by the writer, so the status page never counts a whole table",
            List.of(
                "CREATE TABLE row_counts (name VARCHAR(32) NOT NULL PRIMARY KEY,"
                    + " n BIGINT NOT NULL)",
                // Counted once here; from now on every commit adds what it inserted and deleted.
                "INSERT INTO row_counts (name, n) SELECT 'readings', COUNT(*) FROM readings",
                "INSERT INTO row_counts (name, n)"
                    + " SELECT 'read_failures', COUNT(*) FROM read_failures")),
        new Migration(
            4,
            "devices and row_counts kept in memory: every commit updates them",
            java.util.stream.Stream.concat(
                    dialect.keepInMemory("devices").stream(),
                    dialect.keepInMemory("row_counts").stream())
                .toList()),
        new Migration(
            5,
            "live aggregate buckets: summed in memory, written to agg_1m/agg_1h when they close",
            List.of(
                // Which bucket each device fills now; the table has no row for it (LiveBucket).
                "ALTER TABLE devices ADD COLUMN agg_1m_live BIGINT",
                "ALTER TABLE devices ADD COLUMN agg_1h_live BIGINT")));
  }

  private static String aggregateTable(String name) {
    return "CREATE TABLE "
        + name
        + " (device INTEGER NOT NULL, bucket BIGINT NOT NULL, n BIGINT NOT NULL,"
        + " t_min DOUBLE PRECISION NOT NULL, t_max DOUBLE PRECISION NOT NULL,"
        + " t_sum DOUBLE PRECISION NOT NULL, h_min DOUBLE PRECISION NOT NULL,"
        + " h_max DOUBLE PRECISION NOT NULL, h_sum DOUBLE PRECISION NOT NULL,"
        + " PRIMARY KEY (device, bucket))";
  }

  /** Brings the schema up to date; returns the version now in place. */
  static int migrate(Connection c, Dialect dialect, long nowMillis) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      if (!tableExists(c, "SCHEMA_VERSION")) {
        s.execute(
            "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                + " description VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
        c.commit();
      }
      int current = currentVersion(c);
      for (Migration m : all(dialect)) {
        if (m.version() <= current) {
          continue;
        }
        try {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO schema_version (version, description, applied_at) VALUES (?,?,?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setLong(3, nowMillis);
            ps.executeUpdate();
          }
          c.commit();
          current = m.version();
        } catch (SQLException e) {
          c.rollback();
          throw new SQLException("schema migration " + m.version() + " failed", e);
        }
      }
      return current;
    }
  }

  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean tableExists(Connection c, String upperName) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, upperName, null)) {
      if (rs.next()) {
        return true;
      }
    }
    try (ResultSet rs =
        c.getMetaData().getTables(null, null, upperName.toLowerCase(Locale.ROOT), null)) {
      return rs.next();
    }
  }
}
