package net.dhtedge.gpio.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the simulated air changes over time. {@link #at(Duration)} gets the time since the simulator
 * started and returns the true climate; the frame then carries it quantised as the model's bytes
 * would.
 */
@FunctionalInterface
public interface Trajectory {

  Climate at(Duration elapsed);

  /** The same climate forever. */
  static Trajectory steady(double temperature, double humidity) {
    Climate c = new Climate(temperature, humidity);
    return elapsed -> c;
  }

  /**
   * A sine over a day: temperature and humidity swing around their means (humidity opposite to
   * temperature, as indoor air does), coldest at {@code elapsed = 0}.
   */
  static Trajectory dailySine(
      double meanTemperature,
      double temperatureAmplitude,
      double meanHumidity,
      double humidityAmplitude) {
    return new SineTrajectory(
        meanTemperature, temperatureAmplitude, meanHumidity, humidityAmplitude, Duration.ofDays(1));
  }

  /** Holds each step's climate from its offset until the next step's offset. */
  static Trajectory steps(List<StepTrajectory.Step> steps) {
    return new StepTrajectory(steps);
  }

  /**
   * A script from a CSV file: {@code offset_seconds,temperature,humidity} per line ({@code #}
   * comments and one optional header line allowed), interpolated linearly between rows, held after
   * the last one.
   */
  static Trajectory csv(Path file) throws IOException {
    return CsvTrajectory.load(file);
  }
}
