package net.dhtedge.agent.core;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One accepted measurement. A Reading only exists for a value a sensor really reported: failed or
 * doubtful reads never become a Reading (they are counted as failures instead).
 *
 * @param deviceId the device, matching {@link #DEVICE_ID}
 * @param ts when it was measured (UTC)
 * @param seq the device's sequence number, or {@code null} when the device sends none
 * @param temperature degrees Celsius
 * @param humidity %RH
 * @param source where it came from: {@code gpiod}, {@code iio}, {@code sim}, {@code mqtt}, ...
 */
public record Reading(
    String deviceId, Instant ts, Long seq, double temperature, double humidity, String source) {

  /** Allowed device ids: letters, digits, underscore, dot and dash, 1 to 64 characters. */
  public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** The physical range any supported sensor can report; outside it a value is rejected. */
  public static final double MIN_TEMPERATURE = -40.0;

  public static final double MAX_TEMPERATURE = 80.0;
  public static final double MIN_HUMIDITY = 0.0;
  public static final double MAX_HUMIDITY = 100.0;

  public Reading {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(source, "source");
    if (!DEVICE_ID.matcher(deviceId).matches()) {
      throw new IllegalArgumentException("device id must match " + DEVICE_ID + ": " + deviceId);
    }
    if (!(temperature >= MIN_TEMPERATURE && temperature <= MAX_TEMPERATURE)) {
      throw new IllegalArgumentException("temperature out of range: " + temperature);
    }
    if (!(humidity >= MIN_HUMIDITY && humidity <= MAX_HUMIDITY)) {
      throw new IllegalArgumentException("humidity out of range: " + humidity);
    }
  }
}
