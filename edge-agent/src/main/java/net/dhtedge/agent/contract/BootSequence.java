package net.dhtedge.agent.contract;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code seq} of the agent's own readings, numbered the way the ESP32 firmware numbers its own:
 * {@code boot << 32 | n}, where {@code boot} counts the agent's starts and {@code n} counts one
 * device's readings since that start. So a seq grows per device across restarts and power cuts and
 * is never reused, and a consumer can tell a gap (a lost reading) from a quiet sensor.
 *
 * <p>The boot count lives in {@code <data_dir>/boot-count}. It is raised and synced to disk (file
 * and directory) when the sequence opens, before the first reading is numbered: a power cut at any
 * later point leaves a count that the next start raises again. A file that cannot be read as a
 * count is not guessed at: the agent's readings then carry no seq (still valid readings, keyed by
 * their time, as before seq existed) and {@link #problem()} says why.
 */
public final class BootSequence {

  /** The file in the data directory that holds the last boot number. */
  public static final String FILE = "boot-count";

  /** The highest boot number: the seq stays a positive 63-bit number. */
  static final long MAX_BOOT = (1L << 31) - 1;

  private static final long MAX_COUNT = 0xFFFF_FFFFL;

  private final Path file;
  private final Map<String, Long> counts = new HashMap<>();
  private long boot;
  private String problem;

  private BootSequence(Path file) {
    this.file = file;
  }

  /** Raises the boot count in {@code dataDir} (synced) and numbers from it. */
  public static BootSequence open(Path dataDir) {
    BootSequence s = new BootSequence(dataDir.resolve(FILE));
    s.nextBoot();
    return s;
  }

  /** The boot number in use, or 0 when the agent's readings carry no seq. */
  public synchronized long boot() {
    return boot;
  }

  /** Why the agent's readings carry no seq, if they do not. */
  public synchronized Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /**
   * The next seq of {@code deviceId}, or null when numbering is off ({@link #problem()}). After
   * 2^32 readings of one device in one start, the boot count is raised again.
   */
  public synchronized Long next(String deviceId) {
    if (boot == 0) {
      return null;
    }
    long n = counts.getOrDefault(deviceId, 0L);
    if (n > MAX_COUNT) {
      nextBoot();
      if (boot == 0) {
        return null;
      }
      n = 0;
    }
    counts.put(deviceId, n + 1);
    return boot << 32 | n;
  }

  /** Tests: the next seq of {@code deviceId} counts on from {@code n}. */
  synchronized void skipTo(String deviceId, long n) {
    counts.put(deviceId, n);
  }

  private void nextBoot() {
    try {
      long last = read();
      if (last >= MAX_BOOT) {
        throw new IOException("boot count " + last + " is at its maximum " + MAX_BOOT);
      }
      write(last + 1);
      boot = last + 1;
      counts.clear();
    } catch (IOException e) {
      boot = 0;
      problem =
          "the agent's readings carry no seq: "
              + file
              + ": "
              + e.getMessage()
              + " (keep the file with the store: a new count could repeat a seq already sent)";
    }
  }

  private long read() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      long n = Long.parseLong(text);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      String shown = text.length() > 20 ? text.substring(0, 20) + "…" : text;
      throw new IOException("not a boot count: '" + shown + "'");
    }
  }

  /** Writes {@code n} to a temporary file, syncs it, renames it over the count, syncs the dir. */
  private void write(long n) throws IOException {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap((n + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the file itself is synced.
    }
  }
}
