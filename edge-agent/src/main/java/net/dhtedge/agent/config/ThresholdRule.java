package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds for one metric ({@code rules.defaults.temperature}, ...). A limit that is null is not
 * checked; with both null the metric raises no threshold incidents.
 *
 * @param min lower limit (°C or %RH), or null
 * @param max upper limit, or null
 * @param hysteresis how far back inside the limit a value must come before the incident resolves
 * @param debounceCount consecutive readings beyond the limit before an incident opens (1 = at once)
 * @param debounceTime how long readings must stay beyond the limit before an incident opens (0 = no
 *     time condition); with both set, both must hold
 */
public record ThresholdRule(
    Double min, Double max, double hysteresis, int debounceCount, Duration debounceTime) {

  public static final ThresholdRule DEFAULTS = new ThresholdRule(null, null, 0.5, 3, Duration.ZERO);

  public ThresholdRule {
    Objects.requireNonNull(debounceTime, "debounceTime");
  }

  /** True when at least one limit is set. */
  public boolean isActive() {
    return min != null || max != null;
  }
}
