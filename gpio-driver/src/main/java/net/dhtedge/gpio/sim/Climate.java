package net.dhtedge.gpio.sim;

/**
 * A temperature and humidity pair: what the simulated air is like, or what a frame carries.
 *
 * @param temperature degrees Celsius
 * @param humidity %RH
 */
public record Climate(double temperature, double humidity) {
  public Climate {
    if (!Double.isFinite(temperature) || !Double.isFinite(humidity)) {
      throw new IllegalArgumentException(
          "temperature and humidity must be finite: " + temperature + ", " + humidity);
    }
  }
}
