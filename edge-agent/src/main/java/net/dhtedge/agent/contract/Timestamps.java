package net.dhtedge.agent.contract;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The contract's time format: ISO-8601 UTC, millisecond precision, {@code Z}. */
public final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** E.g. {@code 2026-11-27T22:00:00.123Z}, always three fraction digits. */
  public static String format(Instant t) {
    return FORMAT.format(t);
  }
}
