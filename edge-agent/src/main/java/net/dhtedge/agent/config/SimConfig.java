package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The simulator ({@code sensors[].sim:}): what values a simulated sensor reports and how often it
 * fails, so demos and tests exercise thresholds and failure handling without hardware.
 *
 * @param trajectory the shape of the values over time
 * @param baseTemperature °C, the centre (steady: the value)
 * @param baseHumidity %RH, the centre
 * @param temperatureAmplitude °C, the swing of sine/steps around the base
 * @param humidityAmplitude %RH, the swing of sine/steps around the base
 * @param period one sine cycle, or the length of one step
 * @param csvFile for {@code csv}: a file of {@code temperature,humidity} lines replayed one per
 *     read (null otherwise)
 * @param checksumFaultRate probability 0..1 that a read fails with a checksum error
 * @param timeoutFaultRate probability 0..1 that a read fails with a time-out (no response)
 * @param seed random seed for reproducible runs, or null for a random one
 */
public record SimConfig(
    Trajectory trajectory,
    double baseTemperature,
    double baseHumidity,
    double temperatureAmplitude,
    double humidityAmplitude,
    Duration period,
    Path csvFile,
    double checksumFaultRate,
    double timeoutFaultRate,
    Long seed) {

  /** The shape of simulated values. */
  public enum Trajectory {
    STEADY,
    SINE,
    STEPS,
    CSV
  }

  /** The simulator's defaults: a gentle sine around 22 °C / 50 %RH, no faults. */
  public static final SimConfig DEFAULTS =
      new SimConfig(
          Trajectory.SINE, 22.0, 50.0, 3.0, 10.0, Duration.ofMinutes(10), null, 0.0, 0.0, null);

  public SimConfig {
    Objects.requireNonNull(trajectory, "trajectory");
    Objects.requireNonNull(period, "period");
  }
}
