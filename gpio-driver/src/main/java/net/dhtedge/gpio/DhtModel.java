package net.dhtedge.gpio;

import java.util.Locale;

/**
 * The two data formats on the DHT single-wire bus. Both use the same wire protocol; they differ in
 * how the five bytes are read and in how often the sensor may be asked.
 */
public enum DhtModel {
  /** DHT11: RH integer, RH decimal, T integer, T decimal (bit 7 = negative), checksum. */
  DHT11(1_000),
  /** DHT22 / AM2302 family: 16-bit RH x10, 16-bit sign-magnitude T x10, checksum. */
  DHT22(2_000);

  private final long minIntervalMillis;

  DhtModel(long minIntervalMillis) {
    this.minIntervalMillis = minIntervalMillis;
  }

  /** The shortest time between two start pulses the datasheet allows. */
  public long minIntervalMillis() {
    return minIntervalMillis;
  }

  /** The lower-case name used in config files, traces and JSON ({@code dht11}, {@code dht22}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code dht11}/{@code dht22} (also AM2302, case-insensitive). */
  public static DhtModel parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "dht11" -> DHT11;
      case "dht22", "am2302", "am2301", "am2320", "am2321", "rht03" -> DHT22;
      default ->
          throw new IllegalArgumentException(
              "unknown model '" + text + "' (allowed: dht11, dht22)");
    };
  }
}
