package net.dhtedge.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a tmpfs mounted on a directory (needs root, or
 * CAP_SYS_ADMIN). {@link #tryMount} says why when mounting is not allowed, so a test can skip with
 * that reason. {@link #fill} takes every free byte with {@code fallocate}, as another process on
 * the machine would.
 */
public final class Tmpfs implements AutoCloseable {

  private final Path dir;
  private final List<Path> fillers = new ArrayList<>();
  private boolean mounted;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code bytes} on {@code dir} (created); throws with the reason if not. */
  public static Tmpfs mount(Path dir, long bytes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String out = run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=0755", "tmpfs", dir);
    if (out != null) {
      throw new IllegalStateException("cannot mount a tmpfs on " + dir + ": " + out);
    }
    Tmpfs t = new Tmpfs(dir);
    t.mounted = true;
    return t;
  }

  /**
   * Why a tmpfs cannot be mounted here, or null when it can (tried once on a scratch directory).
   */
  public static String whyNotMountable(Path scratch) {
    try {
      Tmpfs t = mount(scratch, 1 << 20);
      t.close();
      return null;
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  public Path dir() {
    return dir;
  }

  /** Bytes an unprivileged writer could still use. */
  public long usable() {
    return dir.toFile().getUsableSpace();
  }

  /**
   * Takes all free space with fallocate (one big file, then small ones for what rounding left).
   * Returns the bytes taken.
   */
  public long fill() {
    long before = usable();
    Path big = dir.resolve("filler-" + fillers.size());
    fillers.add(big);
    long want = usable();
    if (want > 0) {
      run("fallocate", "-l", Long.toString(want), big);
    }
    for (int i = 0; i < 64 && usable() > 0; i++) {
      Path small = dir.resolve("filler-" + fillers.size());
      fillers.add(small);
      if (run("fallocate", "-l", Long.toString(Math.max(4096, usable())), small) != null
          && run("fallocate", "-l", "4096", small) != null) {
        break;
      }
    }
    return before - usable();
  }

  /** Deletes what {@link #fill} took. */
  public void release() {
    for (Path p : fillers) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    fillers.clear();
  }

  /** Unmounts (lazily, so a process still holding a file cannot keep it). Safe to call twice. */
  @Override
  public void close() {
    if (mounted) {
      mounted = false;
      run("umount", "-l", dir);
    }
  }

  /** Runs a command; null when it succeeded, else its output. */
  private static String run(Object... cmd) {
    List<String> args = new ArrayList<>();
    for (Object o : cmd) {
      args.add(o.toString());
    }
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", args) + ": timed out";
      }
      return p.exitValue() == 0 ? null : String.join(" ", args) + ": " + out;
    } catch (IOException e) {
      return String.join(" ", args) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
