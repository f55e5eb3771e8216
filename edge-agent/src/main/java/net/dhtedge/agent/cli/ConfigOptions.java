package net.dhtedge.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import net.dhtedge.agent.config.ConfigException;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.config.ConfigOverrides;
import net.dhtedge.agent.config.ConfigProblem;
import net.dhtedge.agent.config.LoadedConfig;
import picocli.CommandLine.Option;

/**
 * The configuration options every long-running command shares; include with {@code @Mixin
 * ConfigOptions config;} and call {@link #load(PrintWriter)} first thing.
 */
public final class ConfigOptions {

  /** Exit code for a configuration that cannot be used (the same as a picocli usage error). */
  public static final int EXIT_CONFIG = 2;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Configuration file. Default: $EDGE_AGENT_CONFIG, else edge-agent.yml in the current"
              + " directory if present, else built-in defaults.")
  Path configFile;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where data is kept.")
  Path dataDir;

  // Set from the mixins of the commands that offer them (BrokerOption, HttpPortOption,
  // SensorOption), so each command's help lists only the options it uses.
  String broker;
  Integer httpPort;
  String sensor;
  String store;
  String group;

  /** {@code --store}, for the commands that keep readings. */
  static final class StoreOption {
    @Option(
        names = "--store",
        paramLabel = "jdbc:postgresql://HOST:PORT/DB",
        description =
            "PostgreSQL to store into (store.url; user and password: store.user,"
                + " store.password_file or $EDGE_AGENT_STORE_PASSWORD). Default: the embedded"
                + " store in the data dir.")
    String store;
  }

  /** {@code --broker}, for the commands that talk to a broker. */
  static final class BrokerOption {
    @Option(
        names = "--broker",
        paramLabel = "URL|embedded",
        description =
            "MQTT broker, e.g. tcp://localhost:1883 (several, comma-separated, to fail over), or"
                + " 'embedded' for the built-in one.")
    String broker;
  }

  /** {@code --http-port}, for the commands that serve HTTP. */
  static final class HttpPortOption {
    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port (0 = off).")
    Integer httpPort;
  }

  /** {@code --sensor}, for the commands that read a local sensor. */
  static final class SensorOption {
    @Option(
        names = "--sensor",
        paramLabel = "SPEC",
        description = "Local sensor: sim, gpiod:PIN (BCM), iio or none.")
    String sensor;
  }

  /** Takes the values of the command's own option mixins; null for a mixin it does not have. */
  ConfigOptions with(BrokerOption b, HttpPortOption h, SensorOption s) {
    if (b != null && b.broker != null) {
      broker = b.broker;
    }
    if (h != null && h.httpPort != null) {
      httpPort = h.httpPort;
    }
    if (s != null && s.sensor != null) {
      sensor = s.sensor;
    }
    return this;
  }

  /** Takes {@code --store}; null when the command has none. */
  ConfigOptions withStore(StoreOption s) {
    if (s != null && s.store != null) {
      store = s.store;
    }
    return this;
  }

  /** Takes {@code --group}: the shared subscription's group name. */
  ConfigOptions withGroup(String g) {
    if (g != null) {
      group = g;
    }
    return this;
  }

  /** The options as given (null fields were not given). */
  public ConfigOverrides overrides() {
    return new ConfigOverrides(configFile, broker, dataDir, httpPort, sensor, store, group);
  }

  /**
   * Loads the configuration with the real environment. Prints warnings to {@code err}; on errors
   * prints every problem there and returns empty: the command should then return {@link
   * #EXIT_CONFIG}.
   */
  public Optional<LoadedConfig> load(PrintWriter err) {
    return load(new ConfigLoader(), err);
  }

  /** As {@link #load(PrintWriter)} with a given loader (tests pass one with a fake environment). */
  public Optional<LoadedConfig> load(ConfigLoader loader, PrintWriter err) {
    try {
      LoadedConfig loaded = loader.load(overrides());
      for (ConfigProblem w : loaded.warnings()) {
        err.println(w.format());
      }
      err.flush();
      return Optional.of(loaded);
    } catch (ConfigException e) {
      err.println(e.format());
      err.println(
          e.problems().stream().filter(ConfigProblem::isError).count()
              + " configuration error(s); nothing started.");
      err.flush();
      return Optional.empty();
    }
  }
}
