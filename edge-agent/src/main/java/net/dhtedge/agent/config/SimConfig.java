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

  /**
   * The simulator's defaults, {@link #bind} of an empty block: a gentle sine around 22 °C / 50 %RH,
   * no faults.
   */
  public static final SimConfig DEFAULTS = Section.defaults(s -> bind(s, false));

  /** A sensor's {@code sim:} block; {@code used}: the sensor's backend is sim. */
  static SimConfig bind(Section s, boolean used) {
    Trajectory t = s.choice("trajectory", Trajectory.SINE, Trajectory.class);
    double baseT = s.decimal("base_temperature", 22.0, -40, 80, " °C");
    double baseH = s.decimal("base_humidity", 50.0, 0, 100, " %RH");
    double ampT = s.decimal("temperature_amplitude", 3.0, 0, 60, " °C");
    double ampH = s.decimal("humidity_amplitude", 10.0, 0, 50, " %RH");
    if (baseT - ampT < -40 || baseT + ampT > 80) {
      s.error(
          "temperature_amplitude", "base_temperature ± temperature_amplitude leaves -40..80 °C");
    }
    if (baseH - ampH < 0 || baseH + ampH > 100) {
      s.error("humidity_amplitude", "base_humidity ± humidity_amplitude leaves 0..100 %RH");
    }
    Duration period =
        s.duration("period", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(30));
    Path csv = null;
    if (t == Trajectory.CSV && used) {
      if (!s.has("csv_file")) {
        s.missing("csv_file", "required when trajectory is csv");
      } else {
        csv = Values.readableFile(s, "csv_file");
      }
    } else if (s.has("csv_file")) {
      csv = Values.path(s, "csv_file", s.text("csv_file", null));
      s.warn("csv_file", "ignored: only trajectory csv reads csv_file");
    }
    double checksum = s.decimal("checksum_fault_rate", 0.0, 0, 1, "");
    double timeout = s.decimal("timeout_fault_rate", 0.0, 0, 1, "");
    if (checksum + timeout > 1.0) {
      s.error("timeout_fault_rate", "checksum_fault_rate + timeout_fault_rate exceeds 1");
    }
    Long seed = s.longValue("seed", null, Long.MIN_VALUE, Long.MAX_VALUE, "");
    return new SimConfig(t, baseT, baseH, ampT, ampH, period, csv, checksum, timeout, seed);
  }

  public SimConfig {
    Objects.requireNonNull(trajectory, "trajectory");
    Objects.requireNonNull(period, "period");
  }
}
