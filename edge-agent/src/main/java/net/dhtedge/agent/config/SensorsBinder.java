package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.dhtedge.gpio.DhtModel;

/** Reads the {@code sensors:} list. */
final class SensorsBinder {

  private final BindContext ctx;
  private final Problems problems;

  SensorsBinder(BindContext ctx) {
    this.ctx = ctx;
    this.problems = ctx.problems();
  }

  List<SensorConfig> bind(Section root) {
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
      Section s = Section.of(item, path, item.line(), ctx);
      if (!(item instanceof YamlNode.Mapping)) {
        continue; // already reported as "expected a mapping"
      }
      SensorConfig c = sensor(s);
      if (c == null) {
        continue;
      }
      String where = path + " (line " + s.lineOf("id") + ")";
      String earlier = idsSeen.putIfAbsent(c.id(), where);
      if (earlier != null) {
        s.error("id", "duplicate sensor id \"" + c.id() + "\" (also used by " + earlier + ")");
      }
      if (c.backend() == SensorConfig.Backend.GPIOD && c.pin() != null) {
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

  private SensorConfig sensor(Section s) {
    String id = s.text("id", null);
    if (id == null) {
      problems.error(
          s.line(),
          s.pathOf("id"),
          "required: the device id this sensor's readings carry (A-Z a-z 0-9 _ . -, 1 to 64 chars)");
    } else {
      Values.checkDeviceId(s, "id", id);
    }
    DhtModel model = model(s);
    SensorConfig.Backend backend =
        s.choice("backend", SensorConfig.Backend.GPIOD, SensorConfig.Backend.class);
    boolean pinWritten = s.has("pin");
    Long pin = s.longValue("pin", null, 0, 27, ", the BCM GPIO number");
    if (backend == SensorConfig.Backend.GPIOD && !pinWritten) {
      problems.error(
          s.line(),
          s.pathOf("pin"),
          "required for the gpiod backend: the BCM GPIO number (0..27) the data line is wired to");
    } else if (backend != SensorConfig.Backend.GPIOD && pinWritten) {
      s.warn("pin", "ignored: only the gpiod backend uses pin");
      pin = null;
    }
    String chip = s.text("chip", SensorConfig.DEFAULT_CHIP);
    if (!chip.matches("[A-Za-z0-9_./:-]+")) {
      s.error(
          "chip", "\"" + chip + "\" is not a GPIO chip name (e.g. gpiochip0 or /dev/gpiochip4)");
    }
    String iio = s.text("iio_device", null);
    if (iio != null && backend != SensorConfig.Backend.IIO) {
      s.warn("iio_device", "ignored: only the iio backend uses iio_device");
    }
    Duration interval =
        s.duration("interval", SensorConfig.DEFAULT_INTERVAL, Duration.ZERO, Duration.ofHours(1));
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
    boolean spike = s.bool("spike_filter", false);
    if (s.has("sim") && backend != SensorConfig.Backend.SIM) {
      s.warn("sim", "ignored: only the sim backend uses the sim block");
    }
    SimConfig sim = sim(s.child("sim"), backend == SensorConfig.Backend.SIM);
    if (id == null) {
      return null;
    }
    return new SensorConfig(
        id, model, backend, pin == null ? null : pin.intValue(), chip, iio, interval, spike, sim);
  }

  private static DhtModel model(Section s) {
    String text = s.text("model", null);
    if (text == null) {
      return DhtModel.DHT11;
    }
    try {
      return DhtModel.parse(text);
    } catch (IllegalArgumentException e) {
      s.error("model", Section.notAllowed(text, List.of("dht11", "dht22")));
      return DhtModel.DHT11;
    }
  }

  private static SimConfig sim(Section s, boolean used) {
    SimConfig d = SimConfig.DEFAULTS;
    SimConfig.Trajectory t = s.choice("trajectory", d.trajectory(), SimConfig.Trajectory.class);
    double baseT = s.decimal("base_temperature", d.baseTemperature(), -40, 80, " °C");
    double baseH = s.decimal("base_humidity", d.baseHumidity(), 0, 100, " %RH");
    double ampT = s.decimal("temperature_amplitude", d.temperatureAmplitude(), 0, 60, " °C");
    double ampH = s.decimal("humidity_amplitude", d.humidityAmplitude(), 0, 50, " %RH");
    if (baseT - ampT < -40 || baseT + ampT > 80) {
      s.error(
          "temperature_amplitude", "base_temperature ± temperature_amplitude leaves -40..80 °C");
    }
    if (baseH - ampH < 0 || baseH + ampH > 100) {
      s.error("humidity_amplitude", "base_humidity ± humidity_amplitude leaves 0..100 %RH");
    }
    Duration period = s.duration("period", d.period(), Duration.ofSeconds(1), Duration.ofDays(30));
    Path csv = null;
    if (t == SimConfig.Trajectory.CSV && used) {
      if (!s.has("csv_file")) {
        s.problems().error(s.line(), s.pathOf("csv_file"), "required when trajectory is csv");
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
}
