package net.dhtedge.agent.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * Everything the checks read from the machine, in one place: the file-system root under which
 * {@code /dev}, {@code /sys}, {@code /proc}, {@code /boot} and {@code /run} are looked up (paths
 * from the configuration are used as they are), the environment, the clock, a sleeper, system
 * tools, the Java version, free disk space, and the network time-out. {@link #system()} is the real
 * machine; tests build one on a temp dir.
 *
 * @param root the file-system root ({@code /}); tests pass a temp dir laid out like it
 * @param env environment lookup
 * @param clock the wall clock
 * @param sleeper waits between the two disk-statistics samples
 * @param commands runs timedatectl/adjtimex
 * @param javaFeature the running Java's feature version (21, 25...)
 * @param usableBytes free bytes for an unprivileged user on the file system holding a path; -1 when
 *     unknown
 * @param networkTimeout connect/read time-out of the broker, TLS and SMTP checks
 * @param sample how long the SD write-load check watches
 * @param totalBytes size of the file system holding a path; -1 when unknown
 */
public record DoctorEnv(
    Path root,
    Function<String, String> env,
    Clock clock,
    Sleeper sleeper,
    CommandRunner commands,
    IntSupplier javaFeature,
    ToLongFunction<Path> usableBytes,
    Duration networkTimeout,
    Duration sample,
    ToLongFunction<Path> totalBytes) {

  /** Without a file-system size seam: the real size of the path's file system. */
  public DoctorEnv(
      Path root,
      Function<String, String> env,
      Clock clock,
      Sleeper sleeper,
      CommandRunner commands,
      IntSupplier javaFeature,
      ToLongFunction<Path> usableBytes,
      Duration networkTimeout,
      Duration sample) {
    this(
        root,
        env,
        clock,
        sleeper,
        commands,
        javaFeature,
        usableBytes,
        networkTimeout,
        sample,
        DoctorEnv::fileStoreTotal);
  }

  public DoctorEnv {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(javaFeature, "javaFeature");
    Objects.requireNonNull(usableBytes, "usableBytes");
    Objects.requireNonNull(networkTimeout, "networkTimeout");
    Objects.requireNonNull(sample, "sample");
    Objects.requireNonNull(totalBytes, "totalBytes");
  }

  /** The real machine. */
  public static DoctorEnv system(Duration networkTimeout, Duration sample) {
    return new DoctorEnv(
        Path.of("/"),
        System::getenv,
        Clock.systemUTC(),
        Sleeper.system(),
        CommandRunner.system(),
        () -> Runtime.version().feature(),
        DoctorEnv::fileStoreUsable,
        networkTimeout,
        sample,
        DoctorEnv::fileStoreTotal);
  }

  /** An absolute system path such as {@code /sys/bus/iio/devices} under {@link #root}. */
  public Path path(String absolute) {
    return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
  }

  public DoctorEnv withRoot(Path r) {
    return new DoctorEnv(
        r,
        env,
        clock,
        sleeper,
        commands,
        javaFeature,
        usableBytes,
        networkTimeout,
        sample,
        totalBytes);
  }

  /**
   * statvfs through {@link java.io.File}: unlike {@code Files.getFileStore} it needs no matching
   * entry in /proc/mounts (which a chroot or container may lack). 0 for a missing path means
   * "unknown".
   */
  private static long fileStoreUsable(Path p) {
    long free = p.toFile().getUsableSpace();
    return free == 0 && !Files.exists(p) ? -1 : free;
  }

  private static long fileStoreTotal(Path p) {
    long total = p.toFile().getTotalSpace();
    return total == 0 ? -1 : total;
  }
}
