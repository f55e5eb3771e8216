package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;

/**
 * A consistent snapshot of a loop's state for the status page.
 *
 * @param valid true after a good read, false after a failed one (until the next good read)
 * @param attempts reads tried
 * @param successes reads that returned a value
 * @param failures failed reads by reason (all reasons present, zero when none)
 * @param spikesRejected good reads the spike filter did not pass on (an earlier one went instead)
 * @param lastGood the last value delivered, or null
 * @param lastGoodAt when it was measured, or null
 * @param lastGoodAge how old it was at snapshot time, or null
 * @param lastFailure the last failure, or null
 * @param lastFailureAt when, or null
 */
public record SensorStatus(
    String sensorId,
    String backend,
    boolean running,
    boolean valid,
    long attempts,
    long successes,
    Map<FailureReason, Long> failures,
    int consecutiveFailures,
    long spikesRejected,
    DhtResult.Reading lastGood,
    Instant lastGoodAt,
    Duration lastGoodAge,
    DhtResult.Failure lastFailure,
    Instant lastFailureAt) {

  public SensorStatus {
    failures = Map.copyOf(failures);
  }

  public long failureCount() {
    return failures.values().stream().mapToLong(Long::longValue).sum();
  }
}
