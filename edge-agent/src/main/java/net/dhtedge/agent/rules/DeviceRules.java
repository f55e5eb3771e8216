package net.dhtedge.agent.rules;

import java.time.Duration;

/**
 * Per-device overrides; a null field means "use the default of {@link RulesOptions}".
 *
 * @param temperature band for temperature (°C)
 * @param humidity band for humidity (%RH)
 * @param expectedInterval how often the device is expected to report
 */
public record DeviceRules(Threshold temperature, Threshold humidity, Duration expectedInterval) {

  public DeviceRules {
    if (expectedInterval != null && (expectedInterval.isNegative() || expectedInterval.isZero())) {
      throw new IllegalArgumentException("expectedInterval must be > 0");
    }
  }
}
