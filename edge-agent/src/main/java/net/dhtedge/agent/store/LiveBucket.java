package net.dhtedge.agent.store;

/**
 * The aggregate bucket a device is filling now, for one width (minute or hour). Its sum lives in
 * memory and reaches the aggregate table once, when the bucket closes; the table has no row for a
 * live bucket. Which bucket is live is stored with the device ({@code devices.agg_1m_live}, {@code
 * agg_1h_live}), so after a crash the sum is computed again from the raw readings of that bucket,
 * which are always stored (a clean stop writes the live buckets into the tables).
 */
final class LiveBucket {

  final long start;

  /** Null when not known since start-up: {@link LiveAggregates} computes it from the readings. */
  Aggregate sum;

  LiveBucket(long start, Aggregate sum) {
    this.start = start;
    this.sum = sum;
  }

  LiveBucket copy() {
    return new LiveBucket(start, sum == null ? null : sum.copy());
  }

  static LiveBucket[] copy(LiveBucket[] live) {
    LiveBucket[] c = new LiveBucket[live.length];
    for (int i = 0; i < live.length; i++) {
      c[i] = live[i] == null ? null : live[i].copy();
    }
    return c;
  }
}
