package net.dhtedge.gpio.loop;

import java.util.Locale;

/** Which way a sensor is read. */
public enum BackendKind {
  /** Bit timing on a GPIO line through Pi4J's libgpiod binding. */
  GPIOD,
  /** The kernel's dht11 IIO driver (device-tree overlay). */
  IIO,
  /** The built-in simulator. */
  SIM;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BackendKind parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown backend '" + text + "' (allowed: gpiod, iio, sim)", e);
    }
  }
}
