package net.dhtedge.agent.rules;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Read attempts of one device over a sliding window, in ten buckets. Copyable for rollback. Times
 * are monotonic milliseconds: a wall clock set back must not pile an hour of attempts into one
 * bucket.
 */
final class FailureWindow {

  private static final int BUCKETS = 10;

  private final long windowMillis;
  private final long bucketMillis;
  private final ArrayDeque<long[]> buckets; // {start, ok, failed}

  FailureWindow(Duration window) {
    this.windowMillis = window.toMillis();
    this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
    this.buckets = new ArrayDeque<>();
  }

  private FailureWindow(FailureWindow other) {
    this.windowMillis = other.windowMillis;
    this.bucketMillis = other.bucketMillis;
    this.buckets = new ArrayDeque<>(other.buckets.size() + 1);
    for (long[] b : other.buckets) {
      buckets.add(b.clone());
    }
  }

  FailureWindow copy() {
    return new FailureWindow(this);
  }

  void add(long now, boolean ok) {
    long start = Math.floorDiv(now, bucketMillis) * bucketMillis;
    long[] last = buckets.peekLast();
    if (last == null || start > last[0]) {
      last = new long[] {start, 0, 0};
      buckets.addLast(last);
    }
    last[ok ? 1 : 2]++;
    evict(now);
  }

  private void evict(long now) {
    while (!buckets.isEmpty() && buckets.peekFirst()[0] + bucketMillis <= now - windowMillis) {
      buckets.removeFirst();
    }
  }

  long attempts(long at) {
    evict(at);
    long n = 0;
    for (long[] b : buckets) {
      n += b[1] + b[2];
    }
    return n;
  }

  /** Failed attempts as a percentage of all attempts in the window (0 when there were none). */
  double failedPercent(long at) {
    evict(at);
    long ok = 0;
    long failed = 0;
    for (long[] b : buckets) {
      ok += b[1];
      failed += b[2];
    }
    return ok + failed == 0 ? 0 : 100.0 * failed / (ok + failed);
  }
}
