package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** {@code sensors[].model}'s default (also for a sensor made by {@code --sensor}). */
  public static final DhtModel DEFAULT_MODEL = DhtModel.DHT11;

  /** {@code sensors[].spike_filter}'s default (also for a sensor made by {@code --sensor}). */
  public static final boolean DEFAULT_SPIKE_FILTER = false;

  /** {@code sensors[].chip}'s default (also for a sensor made by {@code --sensor}). */
  public static final String DEFAULT_CHIP = "gpiochip0";

  /** {@code sensors[].interval}'s default (also for a sensor made by {@code --sensor}). */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  public SensorConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(chip, "chip");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(sim, "sim");
  }

  /** The {@code sensors:} list: each item validated, ids unique, no GPIO line used twice. */
  static List<SensorConfig> bindAll(Section root) {
    YamlNode node = root.node("sensors");
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof YamlNode.Sequence seq)) {
      root.error(
          "sensors",
          "expected a list of sensors (lines starting with '- '), got " + node.describe());
      return List.of();
    }
    List<SensorConfig> out = new ArrayList<>();
    Map<String, String> idsSeen = new HashMap<>();
    Map<String, String> pinsSeen = new HashMap<>();
    for (int i = 0; i < seq.items().size(); i++) {
      YamlNode item = seq.items().get(i);
      String path = "sensors[" + i + "]";
      Section s = Section.of(item, path, item.line(), root.context());
      if (!(item instanceof YamlNode.Mapping)) {
        continue; // already reported as "expected a mapping"
      }
      SensorConfig c = bind(s);
      if (c == null) {
        continue;
      }
      String where = path + " (line " + s.lineOf("id") + ")";
      String earlier = idsSeen.putIfAbsent(c.id(), where);
      if (earlier != null) {
        s.error("id", "duplicate sensor id \"" + c.id() + "\" (also used by " + earlier + ")");
      }
      if (c.backend() == Backend.GPIOD && c.pin() != null) {
        String pinKey = c.chip() + "/" + c.pin();
        String pinEarlier = pinsSeen.putIfAbsent(pinKey, where);
        if (pinEarlier != null) {
          s.error(
              "pin", "GPIO " + c.pin() + " on " + c.chip() + " is already used by " + pinEarlier);
        }
      }
      out.add(c);
    }
    return out;
  }

  /** One item of the list; null when it has no id (reported). */
  private static SensorConfig bind(Section s) {
    String id = s.text("id", null);
    if (id == null) {
      s.missing(
          "id",
          "required: the device id this sensor's readings carry (A-Z a-z 0-9 _ . -, 1 to 64 chars)");
    } else {
      Values.checkDeviceId(s, "id", id);
    }
    DhtModel model = model(s);
    Backend backend = s.choice("backend", Backend.GPIOD, Backend.class);
    boolean pinWritten = s.has("pin");
    Long pin = s.longValue("pin", null, 0, 27, ", the BCM GPIO number");
    if (backend == Backend.GPIOD && !pinWritten) {
      s.missing(
          "pin",
          "required for the gpiod backend: the BCM GPIO number (0..27) the data line is wired to");
    } else if (backend != Backend.GPIOD && pinWritten) {
      s.warn("pin", "ignored: only the gpiod backend uses pin");
      pin = null;
    }
    String chip = s.text("chip", DEFAULT_CHIP);
    if (!chip.matches("[A-Za-z0-9_./:-]+")) {
      s.error(
          "chip", "\"" + chip + "\" is not a GPIO chip name (e.g. gpiochip0 or /dev/gpiochip4)");
    }
    String iio = s.text("iio_device", null);
    if (iio != null && backend != Backend.IIO) {
      s.warn("iio_device", "ignored: only the iio backend uses iio_device");
    }
    Duration interval =
        s.duration("interval", DEFAULT_INTERVAL, Duration.ZERO, Duration.ofHours(1));
    Duration min = Duration.ofMillis(model.minIntervalMillis());
    if (interval.compareTo(min) < 0) {
      s.error(
          "interval",
          Durations.format(interval)
              + " is below the "
              + model.id()
              + " minimum of "
              + Durations.format(min));
    }
    boolean spike = s.bool("spike_filter", DEFAULT_SPIKE_FILTER);
    if (s.has("sim") && backend != Backend.SIM) {
      s.warn("sim", "ignored: only the sim backend uses the sim block");
    }
    SimConfig sim = SimConfig.bind(s.child("sim"), backend == Backend.SIM);
    if (id == null) {
      return null;
    }
    return new SensorConfig(
        id, model, backend, pin == null ? null : pin.intValue(), chip, iio, interval, spike, sim);
  }

  private static DhtModel model(Section s) {
    String text = s.text("model", null);
    if (text == null) {
      return DEFAULT_MODEL;
    }
    try {
      return DhtModel.parse(text);
    } catch (IllegalArgumentException e) {
      s.error("model", Section.notAllowed(text, List.of("dht11", "dht22")));
      return DEFAULT_MODEL;
    }
  }
}
