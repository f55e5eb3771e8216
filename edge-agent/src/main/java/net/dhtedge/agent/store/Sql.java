package net.dhtedge.agent.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Small JDBC helpers shared by the table writers: nullable parameters and clipped text. */
final class Sql {

  /** The longest message column (incidents, events, alerts, mail). */
  static final int MESSAGE_LENGTH = 500;

  private Sql() {}

  static String clip(String s) {
    return s.length() > MESSAGE_LENGTH ? s.substring(0, MESSAGE_LENGTH) : s;
  }

  static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }

  static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }
}
