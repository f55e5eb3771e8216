package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One batch's work on the aggregate tables ({@code agg_1m}, {@code agg_1h}). Each device has one
 * live bucket per width ({@link LiveBucket}): a reading that falls into it only adds to a sum in
 * memory. A reading in a newer bucket that is not ahead of the clock by more than one bucket closes
 * the live one (its sum is merged into the table with the batch) and makes its own bucket live. Any
 * other reading (late, or far ahead of the clock) is merged into the table with the batch, one
 * UPDATE or INSERT per touched bucket ({@link AggregateBuffer}).
 *
 * <p>So a device at 1 Hz writes one minute row a minute instead of one UPDATE per commit (at high
 * rates the per-commit updates were ~20 % of the writer's time, and each update of a cached row is
 * a new row version for HSQLDB to store and collect).
 *
 * <p>Invariant: the table holds no row for a live bucket and nothing is buffered for it. History
 * queries add the live bucket computed from the raw readings ({@link Queries#HISTORY_1M}). A clean
 * stop closes every live bucket ({@link #closeAll}); after a crash the live sum is computed from
 * the raw readings again the first time it is needed. Those are always there: live buckets are at
 * most about two hours old ({@link #closeExpired}) and raw retention is at least a day.
 */
final class LiveAggregates {

  static final String[] TABLES = {"agg_1m", "agg_1h"};
  static final long[] WIDTHS = {60_000, 3_600_000};

  /** A bucket's sum from its raw readings: device, from, to (walks readings_device_ts). */
  static final String RAW_SUM =
      "SELECT COUNT(*), MIN(temperature), MAX(temperature), SUM(temperature),"
          + " MIN(humidity), MAX(humidity), SUM(humidity)"
          + " FROM readings WHERE device = ? AND ts >= ? AND ts < ?";

  private final Connection c;
  private final long now;
  private final AggregateBuffer[] buffers = new AggregateBuffer[TABLES.length];
  private final PreparedStatement[] rowStatements = new PreparedStatement[TABLES.length];
  private PreparedStatement rawStatement;

  LiveAggregates(Connection c, long nowMillis) {
    this.c = c;
    this.now = nowMillis;
    for (int g = 0; g < TABLES.length; g++) {
      buffers[g] = new AggregateBuffer(TABLES[g], WIDTHS[g]);
    }
  }

  /**
   * Adds a reading of device {@code ref}. {@code live} is this batch's copy of the device's live
   * buckets (entries null when none); returns whether one of them changed.
   */
  boolean add(int ref, LiveBucket[] live, long ts, double t, double h) throws SQLException {
    boolean changed = false;
    for (int g = 0; g < TABLES.length; g++) {
      long b = Math.floorDiv(ts, WIDTHS[g]) * WIDTHS[g];
      LiveBucket l = live[g];
      if (l != null && b == l.start) {
        sum(ref, g, l).add(t, h);
      } else if ((l == null || b > l.start) && mayGoLive(g, b, now)) {
        if (l != null) {
          close(ref, g, l);
        }
        l = new LiveBucket(b, adopt(ref, g, b));
        l.sum.add(t, h);
        live[g] = l;
        changed = true;
      } else {
        buffers[g].add(ref, ts, t, h);
      }
    }
    return changed;
  }

  /**
   * Whether bucket {@code start} may go live: the current one, the one before (a reading from the
   * last seconds of the previous minute) or the one after (a device clock a little ahead).
   */
  private static boolean mayGoLive(int g, long start, long now) {
    long w = WIDTHS[g];
    long current = Math.floorDiv(now, w) * w;
    return start >= current - w && start <= current + w;
  }

  /** Whether one of these live buckets is too old to go live again: time to close it. */
  static boolean anyExpired(LiveBucket[] live, long now) {
    for (int g = 0; g < TABLES.length; g++) {
      if (expired(g, live[g], now)) {
        return true;
      }
    }
    return false;
  }

  private static boolean expired(int g, LiveBucket l, long now) {
    return l != null && l.start < Math.floorDiv(now, WIDTHS[g]) * WIDTHS[g] - WIDTHS[g];
  }

  /** Closes the expired live buckets of device {@code ref} (a device gone quiet). */
  boolean closeExpired(int ref, LiveBucket[] live) throws SQLException {
    boolean changed = false;
    for (int g = 0; g < TABLES.length; g++) {
      LiveBucket l = live[g];
      if (expired(g, l, now)) {
        close(ref, g, l);
        live[g] = null;
        changed = true;
      }
    }
    return changed;
  }

  /** Closes all live buckets of device {@code ref} (a clean stop). */
  void closeAll(int ref, LiveBucket[] live) throws SQLException {
    for (int g = 0; g < TABLES.length; g++) {
      if (live[g] != null) {
        close(ref, g, live[g]);
        live[g] = null;
      }
    }
  }

  private void close(int ref, int g, LiveBucket l) throws SQLException {
    buffers[g].add(ref, l.start, sum(ref, g, l));
  }

  /** The live bucket's sum; after a restart, computed once from its raw readings. */
  private Aggregate sum(int ref, int g, LiveBucket l) throws SQLException {
    if (l.sum == null) {
      if (rawStatement == null) {
        rawStatement = c.prepareStatement(RAW_SUM);
      }
      rawStatement.setInt(1, ref);
      rawStatement.setLong(2, l.start);
      rawStatement.setLong(3, l.start + WIDTHS[g]);
      try (ResultSet rs = rawStatement.executeQuery()) {
        l.sum = rs.next() ? read(rs) : new Aggregate();
      }
    }
    return l.sum;
  }

  /**
   * The sum a bucket starts with when it goes live: what the table or this batch holds for it
   * already (a bucket written before it went live, for instance before an upgrade). The row is
   * deleted: from now on the bucket is live.
   */
  private Aggregate adopt(int ref, int g, long start) throws SQLException {
    Aggregate a = buffers[g].remove(ref, start);
    if (a == null) {
      a = new Aggregate();
    }
    if (rowStatements[g] == null) {
      rowStatements[g] =
          c.prepareStatement(
              "SELECT n, t_min, t_max, t_sum, h_min, h_max, h_sum FROM "
                  + TABLES[g]
                  + " WHERE device = ? AND bucket = ?");
    }
    rowStatements[g].setInt(1, ref);
    rowStatements[g].setLong(2, start);
    boolean found;
    try (ResultSet rs = rowStatements[g].executeQuery()) {
      found = rs.next();
      if (found) {
        a.add(read(rs));
      }
    }
    if (found) {
      try (PreparedStatement del =
          c.prepareStatement("DELETE FROM " + TABLES[g] + " WHERE device = ? AND bucket = ?")) {
        del.setInt(1, ref);
        del.setLong(2, start);
        del.executeUpdate();
      }
    }
    return a;
  }

  /** Count, min, max, sum of temperature then humidity, in columns 1-7; none when count is 0. */
  private static Aggregate read(ResultSet rs) throws SQLException {
    Aggregate a = new Aggregate();
    long n = rs.getLong(1);
    if (n > 0) {
      a.n = n;
      a.tMin = rs.getDouble(2);
      a.tMax = rs.getDouble(3);
      a.tSum = rs.getDouble(4);
      a.hMin = rs.getDouble(5);
      a.hMax = rs.getDouble(6);
      a.hSum = rs.getDouble(7);
    }
    return a;
  }

  /** Writes what the batch closed or merged. */
  void flush() throws SQLException {
    for (AggregateBuffer b : buffers) {
      b.flush(c);
    }
  }

  void close() {
    for (PreparedStatement ps : rowStatements) {
      closeQuietly(ps);
    }
    closeQuietly(rawStatement);
  }

  private static void closeQuietly(PreparedStatement ps) {
    if (ps != null) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing a statement of a connection that failed; nothing to do
      }
    }
  }
}
