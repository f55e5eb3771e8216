package net.dhtedge.agent.config;

/**
 * How big a configuration may be. A config file is written by a person; these limits are far above
 * any real gateway's file and far below what would exhaust the agent's 64 MB heap or its 256 KB
 * thread stacks, so a hostile or broken file (nested a thousand levels deep, a generated list of
 * 100,000 device rules, a password file that is really a disk image) becomes a {@code file:line}
 * error naming the limit instead of a {@code StackOverflowError} or {@code OutOfMemoryError}.
 * docs/configuration.md ("Limits") lists them.
 */
public final class ConfigLimits {

  /** The largest config file read, in bytes (1 MiB; a full example file is about 10 KB). */
  public static final int MAX_FILE_BYTES = 1 << 20;

  /** The deepest nesting of mappings and lists (the agent's own keys go 5 levels deep). */
  public static final int MAX_DEPTH = 64;

  /** The most values (mappings, lists, scalars) one file may hold. */
  public static final int MAX_VALUES = 50_000;

  /** The most devices with rules of their own under {@code rules.devices}. */
  public static final int MAX_DEVICE_RULES = 2_000;

  /** The largest secret file ({@code password_file}, {@code token_file}), in bytes (64 KiB). */
  public static final int MAX_SECRET_FILE_BYTES = 64 << 10;

  private ConfigLimits() {}

  /** {@code 1 MiB (1,048,576 bytes)}, {@code 64 KiB (65,536 bytes)}: for messages. */
  static String bytes(long n) {
    String exact = String.format(java.util.Locale.ROOT, "%,d bytes", n);
    if (n >= (1 << 20) && n % (1 << 20) == 0) {
      return (n >> 20) + " MiB (" + exact + ")";
    }
    if (n >= 1024 && n % 1024 == 0) {
      return (n >> 10) + " KiB (" + exact + ")";
    }
    return exact;
  }

  /** {@code 50,000}: for messages. */
  public static String count(long n) {
    return String.format(java.util.Locale.ROOT, "%,d", n);
  }
}
