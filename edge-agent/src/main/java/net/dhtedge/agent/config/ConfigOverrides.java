package net.dhtedge.agent.config;

import java.nio.file.Path;

/**
 * What the command line may set on top of the file. Every field is null when the option was not
 * given.
 *
 * @param configFile {@code --config}: the file to read
 * @param broker {@code --broker}: one broker URI, or {@code embedded}; replaces mqtt.servers and
 *     turns MQTT on
 * @param dataDir {@code --data-dir}: replaces agent.data_dir
 * @param httpPort {@code --http-port}: replaces http.port (0 = off)
 * @param sensor {@code --sensor}: {@code sim}, {@code gpiod:PIN}, {@code iio} or {@code none}
 */
public record ConfigOverrides(
    Path configFile, String broker, Path dataDir, Integer httpPort, String sensor) {

  /** No overrides at all. */
  public static final ConfigOverrides NONE = new ConfigOverrides(null, null, null, null, null);
}
