package net.dhtedge.gpio.loop;

import java.time.Instant;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;

/**
 * What the loop tells listeners after each attempt, ESPHome-style: a {@link Good} value, or {@link
 * Invalid} (the sensor's state is unknown until the next good read; the last good value is not
 * repeated as if it were new).
 */
public sealed interface SensorUpdate permits SensorUpdate.Good, SensorUpdate.Invalid {

  String sensorId();

  /**
   * A value the sensor really sent.
   *
   * @param measuredAt when that reading was taken (with the spike filter on, the chosen reading can
   *     be one of the two before the newest; it keeps its own time)
   * @param filtered true when the spike filter passed an earlier reading instead of the newest
   */
  record Good(String sensorId, Instant measuredAt, DhtResult.Reading reading, boolean filtered)
      implements SensorUpdate {}

  /** The attempt failed; {@code consecutiveFailures} counts this one. */
  record Invalid(
      String sensorId, Instant at, FailureReason reason, String detail, int consecutiveFailures)
      implements SensorUpdate {}
}
