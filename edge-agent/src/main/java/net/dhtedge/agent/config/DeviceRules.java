package net.dhtedge.agent.config;

import java.util.Objects;

/**
 * The thresholds that apply to one device (or the defaults for all devices).
 *
 * @param temperature limits in °C
 * @param humidity limits in %RH
 */
public record DeviceRules(ThresholdRule temperature, ThresholdRule humidity) {

  public static final DeviceRules DEFAULTS =
      new DeviceRules(ThresholdRule.DEFAULTS, ThresholdRule.DEFAULTS);

  public DeviceRules {
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(humidity, "humidity");
  }
}
