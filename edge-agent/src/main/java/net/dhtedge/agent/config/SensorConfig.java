package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.Objects;
import net.dhtedge.gpio.DhtModel;

/**
 * One local sensor ({@code sensors:} list item).
 *
 * @param id the device id its readings carry ({@code [A-Za-z0-9_.-]{1,64}}, unique)
 * @param model DHT11 or DHT22
 * @param backend how it is read
 * @param pin BCM GPIO number 0..27; set for {@code gpiod}, null otherwise
 * @param chip the GPIO chip for {@code gpiod} (default {@code gpiochip0})
 * @param iioDevice the IIO device for {@code iio} (e.g. {@code iio:device0}), or null to find it
 * @param interval time between reads, at least the model's minimum (DHT11 1 s, DHT22 2 s)
 * @param spikeFilter drop single-read jumps that the next read does not confirm
 * @param sim the simulator's settings (used when {@code backend} is {@code sim}; defaults
 *     otherwise)
 */
public record SensorConfig(
    String id,
    DhtModel model,
    Backend backend,
    Integer pin,
    String chip,
    String iioDevice,
    Duration interval,
    boolean spikeFilter,
    SimConfig sim) {

  /** How a sensor is read. */
  public enum Backend {
    /** Bit timing captured through the GPIO character device (Pi4J gpiod). */
    GPIOD,
    /** The kernel's dht11 driver (dtoverlay=dht11) through /sys/bus/iio. */
    IIO,
    /** The built-in simulator (no hardware). */
    SIM
  }

  public static final String DEFAULT_CHIP = "gpiochip0";
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  public SensorConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(chip, "chip");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(sim, "sim");
  }

  /** The same sensor read another way (used by the {@code --sensor} option). */
  public SensorConfig withBackend(Backend b, Integer gpioPin) {
    return new SensorConfig(id, model, b, gpioPin, chip, iioDevice, interval, spikeFilter, sim);
  }
}
