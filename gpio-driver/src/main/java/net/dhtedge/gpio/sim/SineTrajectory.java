package net.dhtedge.gpio.sim;

import java.time.Duration;

/** A sine with a period (a day by default); see {@link Trajectory#dailySine}. */
public record SineTrajectory(
    double meanTemperature,
    double temperatureAmplitude,
    double meanHumidity,
    double humidityAmplitude,
    Duration period)
    implements Trajectory {

  public SineTrajectory {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
  }

  @Override
  public Climate at(Duration elapsed) {
    double phase = 2 * Math.PI * (elapsed.toMillis() % period.toMillis()) / period.toMillis();
    double wave = -Math.cos(phase); // -1 at elapsed 0: coldest at the start
    return new Climate(
        meanTemperature + temperatureAmplitude * wave, meanHumidity - humidityAmplitude * wave);
  }
}
