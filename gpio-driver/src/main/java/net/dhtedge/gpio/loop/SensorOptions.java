package net.dhtedge.gpio.loop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.sim.SimOptions;

/**
 * Everything about one wired sensor and how it is polled.
 *
 * @param id the sensor's id (letters, digits, {@code _.-}, 1-64 chars)
 * @param model DHT11 or DHT22
 * @param backend gpiod, iio or sim
 * @param pin the BCM GPIO number (gpiod; informative for iio, whose pin is in the overlay)
 * @param chip gpiod chip, e.g. {@code gpiochip0}; blank = the Pi's pinctrl chip
 * @param interval time between read starts; at least the model's minimum (DHT11 1 s, DHT22 2 s),
 *     and at least 2 s for iio (the kernel caches a frame for 2 s)
 * @param spikeFilter pass good readings through a median-of-3 (see {@link SpikeFilter})
 * @param maxBackoff the longest wait between retries after consecutive failures (>= interval)
 * @param pullUp gpiod: ask the kernel for the internal pull-up while listening
 * @param iioDevice iio: the device's {@code name}, normally {@code dht11}
 * @param sysfsRoot iio: normally {@code /sys}
 * @param sim sim: the simulator's options (model must match)
 */
public record SensorOptions(
    String id,
    DhtModel model,
    BackendKind backend,
    int pin,
    String chip,
    Duration interval,
    boolean spikeFilter,
    Duration maxBackoff,
    boolean pullUp,
    String iioDevice,
    Path sysfsRoot,
    SimOptions sim) {

  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
  public static final Duration IIO_MIN_INTERVAL = Duration.ofSeconds(2);

  public SensorOptions {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    chip = chip == null ? "" : chip.strip();
    iioDevice = iioDevice == null || iioDevice.isBlank() ? "dht11" : iioDevice.strip();
    sysfsRoot = sysfsRoot == null ? Path.of("/sys") : sysfsRoot;
    sim = sim == null ? SimOptions.defaults(model) : sim;
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("sensor id must match " + ID + ": '" + id + "'");
    }
    if (pin < 0 || pin > 511) {
      throw new IllegalArgumentException("pin must be a GPIO line offset 0..511, was " + pin);
    }
    if (!chip.isEmpty() && !chip.matches("gpiochip[0-9]{1,3}")) {
      throw new IllegalArgumentException(
          "chip must look like gpiochip0 (or be blank), was " + chip);
    }
    if (interval.toMillis() < model.minIntervalMillis()) {
      throw new IllegalArgumentException(
          "interval "
              + interval.toMillis()
              + " ms is shorter than the "
              + model.id()
              + " minimum of "
              + model.minIntervalMillis()
              + " ms");
    }
    if (backend == BackendKind.IIO && interval.compareTo(IIO_MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "interval "
              + interval.toMillis()
              + " ms is shorter than 2 s: the kernel dht11 driver caches a frame for 2 s, so faster"
              + " reads would report an old frame as new");
    }
    if (maxBackoff.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " must not be shorter than the interval " + interval);
    }
    if (sim.model() != model) {
      throw new IllegalArgumentException(
          "simulator model " + sim.model().id() + " differs from sensor model " + model.id());
    }
  }

  /** Starts a builder with the defaults: 2 s interval, no spike filter, 60 s max back-off. */
  public static Builder builder(String id, DhtModel model, BackendKind backend) {
    return new Builder(id, model, backend);
  }

  /** Builder for {@link SensorOptions}; {@link #build()} validates. */
  public static final class Builder {
    private final String id;
    private final DhtModel model;
    private final BackendKind backend;
    private int pin = 4;
    private String chip = "";
    private Duration interval = DEFAULT_INTERVAL;
    private boolean spikeFilter;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private boolean pullUp = true;
    private String iioDevice = "dht11";
    private Path sysfsRoot = Path.of("/sys");
    private SimOptions sim;

    private Builder(String id, DhtModel model, BackendKind backend) {
      this.id = id;
      this.model = model;
      this.backend = backend;
    }

    public Builder pin(int v) {
      pin = v;
      return this;
    }

    public Builder chip(String v) {
      chip = v;
      return this;
    }

    public Builder interval(Duration v) {
      interval = v;
      return this;
    }

    public Builder spikeFilter(boolean v) {
      spikeFilter = v;
      return this;
    }

    public Builder maxBackoff(Duration v) {
      maxBackoff = v;
      return this;
    }

    public Builder pullUp(boolean v) {
      pullUp = v;
      return this;
    }

    public Builder iioDevice(String v) {
      iioDevice = v;
      return this;
    }

    public Builder sysfsRoot(Path v) {
      sysfsRoot = v;
      return this;
    }

    public Builder sim(SimOptions v) {
      sim = v;
      return this;
    }

    public SensorOptions build() {
      Duration backoff = maxBackoff.compareTo(interval) < 0 ? interval : maxBackoff;
      return new SensorOptions(
          id,
          model,
          backend,
          pin,
          chip,
          interval,
          spikeFilter,
          backoff,
          pullUp,
          iioDevice,
          sysfsRoot,
          sim);
    }
  }
}
