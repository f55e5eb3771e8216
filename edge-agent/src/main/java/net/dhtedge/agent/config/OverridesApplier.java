package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.mqtt.MqttOptions;

/**
 * Applies command-line options on top of a loaded file. Problems name the option ({@code --sensor:
 * ...}) instead of a file line.
 */
final class OverridesApplier {

  static final String SENSOR_SPECS = "sim, gpiod:PIN (BCM GPIO 0..27), iio or none";

  private final List<ConfigProblem> problems = new ArrayList<>();

  List<ConfigProblem> problems() {
    return problems;
  }

  AgentConfig apply(AgentConfig c, ConfigOverrides o) {
    AgentConfig out = c;
    if (o.broker() != null) {
      out = broker(out, o.broker().trim());
    }
    if (o.dataDir() != null) {
      if (o.dataDir().toString().isBlank()) {
        error("--data-dir", "must not be empty");
      } else {
        Path dir = o.dataDir();
        out =
            Records.with(
                out,
                "agent",
                Records.with(out.agent(), "dataDir", dir),
                "store",
                Records.with(out.store(), "dataDir", dir));
      }
    }
    if (o.httpPort() != null) {
      if (o.httpPort() < 0 || o.httpPort() > 65535) {
        error("--http-port", o.httpPort() + " is out of range (allowed: 0..65535; 0 = off)");
      } else {
        out = Records.with(out, "http", Records.with(out.http(), "port", o.httpPort()));
      }
    }
    if (o.sensor() != null) {
      out = sensor(out, o.sensor().trim().toLowerCase(Locale.ROOT));
    }
    if (o.store() != null) {
      String url = o.store().trim();
      if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql://")) {
        error("--store", "must be a jdbc:postgresql://HOST:PORT/DB URL");
      } else {
        out = Records.with(out, "store", Records.with(out.store(), "url", url));
      }
    }
    if (o.group() != null) {
      String group = o.group().trim();
      if (!group.matches("[A-Za-z0-9_.-]{1,64}")) {
        error("--group", "\"" + group + "\" must be 1-64 of [A-Za-z0-9_.-]");
      } else {
        out = Records.with(out, "mqtt", Records.with(out.mqtt(), "shareGroup", group));
      }
    }
    return out;
  }

  private AgentConfig broker(AgentConfig c, String broker) {
    boolean embedded = broker.equalsIgnoreCase(MqttOptions.EMBEDDED);
    List<String> servers = new ArrayList<>();
    if (!embedded) {
      for (String one : broker.split(",")) {
        Optional<String> why = MqttOptions.checkServer(one.trim());
        if (why.isPresent()) {
          error("--broker", why.get());
          return c;
        }
        servers.add(one.trim());
      }
    }
    return Records.with(
        c,
        "mqtt",
        Records.with(c.mqtt(), "enabled", true, "embedded", embedded, "serverUris", servers));
  }

  private AgentConfig sensor(AgentConfig c, String spec) {
    if (spec.equals("none")) {
      return Records.with(c, "sensors", List.of());
    }
    SensorConfig.Backend backend;
    Integer pin = null;
    if (spec.equals("sim")) {
      backend = SensorConfig.Backend.SIM;
    } else if (spec.equals("iio")) {
      backend = SensorConfig.Backend.IIO;
    } else if (spec.matches("gpiod:\\d{1,9}")) {
      backend = SensorConfig.Backend.GPIOD;
      pin = Integer.parseInt(spec.substring("gpiod:".length()));
      if (pin > 27) {
        error("--sensor", "GPIO " + pin + " is out of range (allowed: 0..27, the BCM GPIO number)");
        return c;
      }
    } else {
      String hint = spec.equals("gpiod") ? " (gpiod needs the pin: gpiod:4)" : "";
      error("--sensor", "\"" + spec + "\" is not a sensor spec" + hint + "; use " + SENSOR_SPECS);
      return c;
    }
    List<SensorConfig> sensors = c.sensors();
    if (sensors.size() > 1) {
      error(
          "--sensor",
          "the config file defines "
              + sensors.size()
              + " sensors; --sensor can only replace a single one (edit the file instead)");
      return c;
    }
    SensorConfig s =
        sensors.isEmpty()
            ? new SensorConfig(
                c.agent().name(),
                SensorConfig.DEFAULT_MODEL,
                backend,
                pin,
                SensorConfig.DEFAULT_CHIP,
                null,
                SensorConfig.DEFAULT_INTERVAL,
                SensorConfig.DEFAULT_SPIKE_FILTER,
                SimConfig.DEFAULTS)
            : Records.with(sensors.get(0), "backend", backend, "pin", pin);
    return Records.with(c, "sensors", List.of(s));
  }

  private void error(String option, String message) {
    problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, option, 0, 0, "", message));
  }
}
