package net.dhtedge.agent.config;

import java.nio.file.Path;

/**
 * What the command line may set on top of the file. Every field is null when the option was not
 * given.
 *
 * @param configFile {@code --config}: the file to read
 * @param broker {@code --broker}: broker URIs separated by commas, or {@code embedded}; replaces
 *     mqtt.servers and turns MQTT on
 * @param dataDir {@code --data-dir}: replaces agent.data_dir
 * @param httpPort {@code --http-port}: replaces http.port (0 = off)
 * @param sensor {@code --sensor}: {@code sim}, {@code gpiod:PIN}, {@code iio} or {@code none}
 * @param store {@code --store}: a PostgreSQL JDBC URL; replaces store.url
 * @param group {@code --group}: replaces mqtt.share_group (hubs sharing the readings)
 */
public record ConfigOverrides(
    Path configFile,
    String broker,
    Path dataDir,
    Integer httpPort,
    String sensor,
    String store,
    String group) {

  /** No overrides at all. */
  public static final ConfigOverrides NONE =
      new ConfigOverrides(null, null, null, null, null, null, null);

  /** The overrides of the commands that have no {@code --store} or {@code --group}. */
  public ConfigOverrides(
      Path configFile, String broker, Path dataDir, Integer httpPort, String sensor) {
    this(configFile, broker, dataDir, httpPort, sensor, null, null);
  }
}
