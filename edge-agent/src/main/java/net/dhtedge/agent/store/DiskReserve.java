package net.dhtedge.agent.store;

import java.util.Locale;

/**
 * The free space the store keeps on its file system: below it, writes that add data are refused
 * before they reach the database. A share of the file system's size, clamped: a fixed 64 MiB
 * refused every write forever on an 8 MB partition, and a bare share would be a few kB on a small
 * one, too little for a checkpoint. The default ({@link #DEFAULT}) is the one place this is set.
 *
 * @param fraction share of the file system's size (0..0.5)
 * @param floorBytes never less than this
 * @param capBytes never more than this
 */
public record DiskReserve(double fraction, long floorBytes, long capBytes) {

  /** 5 % of the file system, at least 1 MiB, at most 64 MiB. */
  public static final DiskReserve DEFAULT = new DiskReserve(0.05, 1L << 20, 64L << 20);

  public DiskReserve {
    if (!(fraction >= 0 && fraction <= 0.5)) {
      throw new IllegalArgumentException("disk reserve fraction must be 0..0.5: " + fraction);
    }
    if (floorBytes < 0 || capBytes < floorBytes) {
      throw new IllegalArgumentException(
          "disk reserve needs 0 <= floor <= cap: " + floorBytes + ", " + capBytes);
    }
  }

  /** Exactly {@code bytes}, whatever the size of the file system (tests, experiments). */
  public static DiskReserve fixed(long bytes) {
    return new DiskReserve(0, bytes, bytes);
  }

  /** The reserve on a file system of {@code totalBytes}. */
  public long bytesFor(long totalBytes) {
    long share = (long) Math.ceil(Math.max(0, totalBytes) * fraction);
    return Math.clamp(share, floorBytes, capBytes);
  }

  /** "1.0 MiB (5 % of 8.0 MiB, at least 1.0 MiB, at most 64 MiB)". */
  public String describe(long totalBytes) {
    if (fraction == 0) {
      return human(floorBytes);
    }
    return String.format(
        Locale.ROOT,
        "%s (%s %% of %s, at least %s, at most %s)",
        human(bytesFor(totalBytes)),
        new java.text.DecimalFormat("0.##").format(fraction * 100),
        human(totalBytes),
        human(floorBytes),
        human(capBytes));
  }

  /** Bytes for people: "512 kB", "8.0 MiB", "1.2 GiB". */
  public static String human(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%d kB", bytes / 1024);
  }
}
