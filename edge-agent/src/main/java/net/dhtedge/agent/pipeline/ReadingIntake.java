package net.dhtedge.agent.pipeline;

import java.util.concurrent.CompletableFuture;
import net.dhtedge.agent.core.Reading;

/**
 * The front door of the pipeline: sources (local sensors, MQTT ingest, the simulator) hand readings
 * here. The pipeline stores each reading durably, runs the rules on it and queues what must go out;
 * the returned future completes only once the reading is committed to disk, so an MQTT QoS 1
 * message may be acknowledged then and not before.
 */
public interface ReadingIntake {

  /** What happened to a submitted reading. */
  enum Outcome {
    /** Committed to the store. */
    STORED,
    /** Already stored (same device and seq, or same device and ts): dropped, not an error. */
    DUPLICATE,
    /**
     * Not stored: the reading is from a new device and the store takes readings from its device
     * limit already ({@code store.max_devices}). Final: sending it again does not help.
     */
    REFUSED
  }

  /**
   * Submits a reading. Never blocks for long: the future completes after the group commit that
   * holds the reading, or exceptionally when the store failed (the reading was not kept).
   */
  CompletableFuture<Outcome> submit(Reading reading);

  /**
   * Submits a reading the agent stamped itself: its ts is the wall clock when it was read or
   * received, because the sender gave none (and no seq). Such a reading has no identity of its own,
   * so it is never a duplicate: when a stored reading of its device already has that millisecond
   * (two within one millisecond, or the wall clock set back over times already stamped) it is
   * stored at the next free one. A reading with a seq is submitted as by {@link #submit}.
   */
  default CompletableFuture<Outcome> submitStamped(Reading reading) {
    return submit(reading);
  }

  /**
   * Submits a reading of one of the agent's own sensors, stamped like {@link #submitStamped}. No
   * sender waits for an acknowledgement or would send it again, so its commit need not be synced
   * before the future completes: it reaches the disk within {@code store.local_sync_interval}
   * (default 10 s; a power cut may cost that much of them). Any other reading is synced first.
   */
  default CompletableFuture<Outcome> submitLocal(Reading reading) {
    return submitStamped(reading);
  }

  /** Records a failed local read (the sensor-failure rule and the status page count these). */
  void recordFailure(String deviceId, java.time.Instant ts, String reason);
}
