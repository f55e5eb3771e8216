package net.dhtedge.agent.rules;

/**
 * A band for one metric. A reading above {@code max} (or below {@code min}) violates it; an
 * incident opened by a violation resolves once a value is back inside by at least {@code
 * hysteresis} (at or below {@code max - hysteresis}, at or above {@code min + hysteresis}).
 *
 * @param min lower limit, or null for none
 * @param max upper limit, or null for none
 * @param hysteresis >= 0, in the metric's unit
 */
public record Threshold(Double min, Double max, double hysteresis) {

  public Threshold {
    if (min != null && !Double.isFinite(min) || max != null && !Double.isFinite(max)) {
      throw new IllegalArgumentException("threshold limits must be finite");
    }
    if (!(hysteresis >= 0) || !Double.isFinite(hysteresis)) {
      throw new IllegalArgumentException("hysteresis must be >= 0: " + hysteresis);
    }
    if (min != null && max != null && min + 2 * hysteresis > max) {
      throw new IllegalArgumentException(
          "min + 2*hysteresis must not exceed max: " + min + ", " + max + ", " + hysteresis);
    }
  }

  /** True when at least one limit is set. */
  public boolean isActive() {
    return min != null || max != null;
  }

  /** No limits: the metric never raises an incident. */
  public static Threshold none() {
    return new Threshold(null, null, 0);
  }
}
