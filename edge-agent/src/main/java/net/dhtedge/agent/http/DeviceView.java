package net.dhtedge.agent.http;

import java.time.Duration;
import java.time.Instant;

/**
 * What the status page and {@code /api/devices} show of one device.
 *
 * @param id device id
 * @param local one of the agent's own sensors
 * @param temperature last stored temperature, or null
 * @param humidity last stored humidity, or null
 * @param lastTs when the last stored reading was measured, or null
 * @param age how old the last stored reading is now (never negative; the monotonic clock for
 *     readings stored since start, so a wall clock that stepped does not skew it), or null
 * @param expectedInterval how often the device is expected to report
 * @param online the device's own online/offline status (local: its loop runs; remote: its retained
 *     status topic), or null when unknown
 * @param successRate local sensors: share of reads that returned a value (0..1), else null
 * @param lastReadFailed local sensors: the latest read failed (the value shown is older)
 * @param lastFailure the last failure as {@code reason: detail}, or null
 * @param source where the last reading came from ({@code gpiod}, {@code mqtt}, ...), or null
 * @param readings readings stored for the device
 */
public record DeviceView(
    String id,
    boolean local,
    Double temperature,
    Double humidity,
    Instant lastTs,
    Duration age,
    Duration expectedInterval,
    Boolean online,
    Double successRate,
    boolean lastReadFailed,
    String lastFailure,
    String source,
    long readings) {

  /** How many expected intervals a value may age before it is shown as stale. */
  public static final int STALE_INTERVALS = 3;

  /** True when the last reading is older than {@link #STALE_INTERVALS} expected intervals. */
  public boolean stale() {
    return age != null && age.compareTo(expectedInterval.multipliedBy(STALE_INTERVALS)) > 0;
  }
}
