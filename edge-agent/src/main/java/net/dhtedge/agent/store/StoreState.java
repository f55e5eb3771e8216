package net.dhtedge.agent.store;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer's committed in-memory state: device cache, id sequences and outbox counters. The maps
 * are confined to the writer thread; the counters are read by other threads.
 */
final class StoreState {

  final Map<String, DeviceState> devices = new HashMap<>();
  // When the writer next looks for live aggregate buckets of quiet devices to close.
  long nextBucketSweep;
  final AtomicInteger deviceIds = new AtomicInteger();
  final AtomicLong outboxIds = new AtomicLong();
  final AtomicLong failureIds = new AtomicLong();
  final AtomicLong eventIds = new AtomicLong();
  final AtomicLong alertIds = new AtomicLong();
  final AtomicLong incidentIds = new AtomicLong();
  final AtomicLong outboxPending = new AtomicLong();
  // Confirmed by the broker, their deferred "state = 1" not committed yet (still state 0 rows).
  final AtomicLong outboxConfirming = new AtomicLong();
  final AtomicLong outboxDroppable = new AtomicLong();
  final AtomicLong outboxDropped = new AtomicLong();
  final AtomicLong readingsStored = new AtomicLong();
  // Rows in readings and read_failures now, as committed (kept in row_counts too).
  final AtomicLong readingsKept = new AtomicLong();
  final AtomicLong failuresKept = new AtomicLong();

  /**
   * Messages still waiting to be delivered: pending rows less those the broker has acknowledged
   * whose confirmation rides along the next commit (up to 2 s). Without that, a steady stream
   * showed "1 waiting" forever (issue 18 item 3). A commit lowers confirming before pending and
   * this reads pending before confirming, so a race can show one too many, briefly, never too few.
   */
  long outboxWaiting() {
    long pending = outboxPending.get();
    return Math.max(0, pending - outboxConfirming.get());
  }
}
