package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch adds to an aggregate table per (device, bucket): closed live buckets and readings
 * outside the live ones ({@link LiveAggregates}), merged at flush with one UPDATE per touched
 * bucket (INSERT when the bucket has no row). Late readings simply update older buckets.
 */
final class AggregateBuffer {

  private record Key(int device, long bucket) {}

  private final String table;
  private final long width;
  private final Map<Key, Aggregate> buckets = new LinkedHashMap<>();

  AggregateBuffer(String table, long widthMillis) {
    this.table = table;
    this.width = widthMillis;
  }

  long width() {
    return width;
  }

  void add(int device, long tsMillis, double temperature, double humidity) {
    long bucket = Math.floorDiv(tsMillis, width) * width;
    buckets
        .computeIfAbsent(new Key(device, bucket), k -> new Aggregate())
        .add(temperature, humidity);
  }

  /** Adds a whole bucket's aggregate (a closed live bucket). */
  void add(int device, long bucket, Aggregate a) {
    if (a.n > 0) {
      buckets.computeIfAbsent(new Key(device, bucket), k -> new Aggregate()).add(a);
    }
  }

  /** Takes back what this batch buffered for a bucket (one that goes live); null when nothing. */
  Aggregate remove(int device, long bucket) {
    return buckets.remove(new Key(device, bucket));
  }

  void flush(Connection c) throws SQLException {
    if (buckets.isEmpty()) {
      return;
    }
    List<Map.Entry<Key, Aggregate>> entries = new ArrayList<>(buckets.entrySet());
    // in key order: stores sharing a database (hubs) lock the rows in one order, never a deadlock
    entries.sort(
        java.util.Comparator.comparingInt((Map.Entry<Key, Aggregate> e) -> e.getKey().device())
            .thenComparingLong(e -> e.getKey().bucket()));
    int[] updated;
    try (PreparedStatement up =
        c.prepareStatement(
            "UPDATE "
                + table
                + " SET n = n + ?, t_min = LEAST(t_min, ?), t_max = GREATEST(t_max, ?),"
                + " t_sum = t_sum + ?, h_min = LEAST(h_min, ?), h_max = GREATEST(h_max, ?),"
                + " h_sum = h_sum + ? WHERE device = ? AND bucket = ?")) {
      for (var e : entries) {
        Aggregate a = e.getValue();
        up.setLong(1, a.n);
        up.setDouble(2, a.tMin);
        up.setDouble(3, a.tMax);
        up.setDouble(4, a.tSum);
        up.setDouble(5, a.hMin);
        up.setDouble(6, a.hMax);
        up.setDouble(7, a.hSum);
        up.setInt(8, e.getKey().device());
        up.setLong(9, e.getKey().bucket());
        up.addBatch();
      }
      updated = up.executeBatch();
    }
    try (PreparedStatement in =
        c.prepareStatement(
            "INSERT INTO "
                + table
                + " (device, bucket, n, t_min, t_max, t_sum, h_min, h_max, h_sum)"
                + " VALUES (?,?,?,?,?,?,?,?,?)")) {
      boolean any = false;
      for (int i = 0; i < entries.size(); i++) {
        if (updated[i] != 0) {
          continue;
        }
        var e = entries.get(i);
        Aggregate a = e.getValue();
        in.setInt(1, e.getKey().device());
        in.setLong(2, e.getKey().bucket());
        in.setLong(3, a.n);
        in.setDouble(4, a.tMin);
        in.setDouble(5, a.tMax);
        in.setDouble(6, a.tSum);
        in.setDouble(7, a.hMin);
        in.setDouble(8, a.hMax);
        in.setDouble(9, a.hSum);
        in.addBatch();
        any = true;
      }
      if (any) {
        in.executeBatch();
      }
    }
  }
}
