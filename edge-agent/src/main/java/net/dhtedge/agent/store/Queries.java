package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.IncidentStatus;
import net.dhtedge.agent.rules.Rule;

/** Read-only SQL shared by the store's query methods and the writer. */
final class Queries {

  static final String INCIDENT_COLUMNS =
      "id, device_id, rule, status, value, threshold, message, opened_at, acknowledged_at,"
          + " acknowledged_by, resolved_at, resolved_by";

  /** Raw history of one device: must walk readings_device_ts (see the README note). */
  static final String HISTORY_RAW =
      "SELECT ts, 1, temperature, temperature, temperature, humidity, humidity, humidity"
          + " FROM readings WHERE device = ? AND ts >= ? AND ts < ?"
          + " ORDER BY device, ts FETCH FIRST ? ROWS ONLY";

  /**
   * Minute history: the closed buckets from {@code agg_1m} plus the device's live bucket (which has
   * no row there, see {@link LiveAggregates}) computed from its raw readings, in one statement so
   * both parts come from the same snapshot. Parameters: device, from, to, limit, device, from, to,
   * limit.
   */
  static final String HISTORY_1M = aggregateHistory("agg_1m", "agg_1m_live", 60_000);

  /** Hour history, as {@link #HISTORY_1M}. */
  static final String HISTORY_1H = aggregateHistory("agg_1h", "agg_1h_live", 3_600_000);

  private static String aggregateHistory(String table, String live, long width) {
    return "(SELECT bucket, n, t_min, t_max, t_sum / n, h_min, h_max, h_sum / n FROM "
        + table
        + " WHERE device = ? AND bucket >= ? AND bucket < ?"
        + " ORDER BY device, bucket FETCH FIRST ? ROWS ONLY)"
        + " UNION ALL"
        + " (SELECT d."
        + live
        + ", COUNT(*), MIN(r.temperature), MAX(r.temperature), AVG(r.temperature),"
        + " MIN(r.humidity), MAX(r.humidity), AVG(r.humidity)"
        + " FROM devices d JOIN readings r ON r.device = d.id AND r.ts >= d."
        + live
        + " AND r.ts < d."
        + live
        + " + "
        + width
        + " WHERE d.id = ? AND d."
        + live
        + " >= ? AND d."
        + live
        + " < ? GROUP BY d."
        + live
        + ") ORDER BY 1 FETCH FIRST ? ROWS ONLY";
  }

  private Queries() {}

  static Optional<Incident> incident(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
      }
    }
  }

  static List<Incident> incidents(Connection c, String where, long limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + INCIDENT_COLUMNS
                + " FROM incidents "
                + where
                + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
      ps.setLong(1, limit);
      List<Incident> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(incident(rs));
        }
      }
      return out;
    }
  }

  static Incident incident(ResultSet rs) throws SQLException {
    return new Incident(
        rs.getLong(1),
        rs.getString(2),
        Rule.fromId(rs.getString(3)),
        IncidentStatus.fromId(rs.getString(4)),
        getDouble(rs, 5),
        getDouble(rs, 6),
        rs.getString(7),
        Instant.ofEpochMilli(rs.getLong(8)),
        getInstant(rs, 9),
        rs.getString(10),
        getInstant(rs, 11),
        rs.getString(12));
  }

  static Long scalar(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long v = rs.getLong(1);
      return rs.wasNull() ? null : v;
    }
  }

  static Double getDouble(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? null : v;
  }

  static Long getLong(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : v;
  }

  static Instant getInstant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
