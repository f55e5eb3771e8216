package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import net.dhtedge.agent.core.Reading;

/**
 * The dedup decision of one batch: whether a reading is stored already, by (device, seq) or,
 * without a seq, by (device, ts). Checks the batch's own keys, the device's highest key, its
 * recent-key cache, and only then the {@code readings} primary key index.
 */
final class ReadingDedup {

  private record DedupKey(String deviceId, int kind, long value) {}

  private final Connection c;
  private final StoreState state;
  private final long seqReuseAfterMillis;
  private final Map<DedupKey, Long> batchKeys = new HashMap<>(); // -> ts
  private PreparedStatement seqStatement;
  private PreparedStatement tsStatement;

  ReadingDedup(Connection c, StoreState state, long seqReuseAfterMillis) {
    this.c = c;
    this.state = state;
    this.seqReuseAfterMillis = seqReuseAfterMillis;
  }

  /**
   * Whether this reading is stored already: same (device, seq) with a ts within {@link
   * StoreOptions#seqReuseAfter()} of the stored one, or same (device, ts) when it has no seq. A seq
   * seen before with a ts further apart is a device that restarted its counter: that reading is new
   * and keyed by its ts. Checks this batch, the highest key stored, the recent-key cache, then the
   * index.
   */
  Tx.Key dedup(Reading r) throws SQLException {
    long ts = r.ts().toEpochMilli();
    if (r.seq() != null) {
      Long seenAt = seqSeenAt(r.deviceId(), r.seq());
      if (seenAt == null) {
        return Tx.Key.BY_SEQ;
      }
      if (Math.abs(ts - seenAt) <= seqReuseAfterMillis) {
        return Tx.Key.DUPLICATE;
      }
    }
    return tsSeen(r.deviceId(), ts) ? Tx.Key.DUPLICATE : Tx.Key.BY_TS;
  }

  /**
   * {@code r} itself when no reading of its device is stored (or buffered in this batch) at its ts,
   * else {@code r} moved to the first free millisecond after it, at most {@code maxShiftMs} ahead
   * (beyond that, {@code r} unchanged: {@link #dedup} then calls it a duplicate). For readings the
   * agent stamped itself, which have no identity but that stamp.
   */
  Reading freeStamp(Reading r, int maxShiftMs) throws SQLException {
    long ts = r.ts().toEpochMilli();
    for (int shift = 0; shift <= maxShiftMs; shift++) {
      if (!tsSeen(r.deviceId(), ts + shift)) {
        return shift == 0
            ? r
            : new Reading(
                r.deviceId(),
                Instant.ofEpochMilli(ts + shift),
                r.seq(),
                r.temperature(),
                r.humidity(),
                r.source());
      }
    }
    return r;
  }

  /** The ts of the stored reading with this seq, or null. */
  private Long seqSeenAt(String deviceId, long seq) throws SQLException {
    Long inBatch = batchKeys.get(new DedupKey(deviceId, 0, seq));
    if (inBatch != null) {
      return inBatch;
    }
    DeviceState d = state.devices.get(deviceId);
    if (d == null) {
      return null;
    }
    if (d.maxSeq == null || seq > d.maxSeq) {
      return null; // the common case, checked first: recent keys are never above the maximum
    }
    Long recent = d.recentSeq.get(seq);
    if (recent != null) {
      return recent;
    }
    if (seqStatement == null) {
      seqStatement =
          c.prepareStatement(
              "SELECT ts FROM readings WHERE dedup_kind = 0 AND device = ? AND dedup_value = ?");
    }
    seqStatement.setInt(1, d.ref);
    seqStatement.setLong(2, seq);
    try (ResultSet rs = seqStatement.executeQuery()) {
      return rs.next() ? rs.getLong(1) : null;
    }
  }

  private boolean tsSeen(String deviceId, long ts) throws SQLException {
    if (batchKeys.containsKey(new DedupKey(deviceId, 1, ts))) {
      return true;
    }
    DeviceState d = state.devices.get(deviceId);
    if (d == null) {
      return false;
    }
    if (d.maxTsKey == null || ts > d.maxTsKey) {
      return false;
    }
    if (d.recentTs.contains(ts)) {
      return true;
    }
    if (tsStatement == null) {
      tsStatement =
          c.prepareStatement(
              "SELECT 1 FROM readings WHERE dedup_kind = 1 AND device = ? AND dedup_value = ?");
    }
    tsStatement.setInt(1, d.ref);
    tsStatement.setLong(2, ts);
    try (ResultSet rs = tsStatement.executeQuery()) {
      return rs.next();
    }
  }

  /** A reading of this batch, keyed by its seq ({@code bySeq}) or its ts. */
  void remember(String deviceId, boolean bySeq, long key, long ts) {
    batchKeys.put(new DedupKey(deviceId, bySeq ? 0 : 1, key), ts);
  }

  void close() {
    for (PreparedStatement ps : new PreparedStatement[] {seqStatement, tsStatement}) {
      if (ps != null) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // closing a statement of a connection that failed; nothing to do
        }
      }
    }
  }
}
