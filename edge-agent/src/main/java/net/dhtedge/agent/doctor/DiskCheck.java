package net.dhtedge.agent.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.store.DiskReserve;
import net.dhtedge.agent.store.StoreOptions;

/**
 * Free space where the store lives, against the store's own reserve ({@link DiskReserve}: 5 % of
 * the file system, at least 1 MiB, at most 64 MiB): below it the agent refuses every new reading,
 * so that is a FAIL; below twice the reserve, or below 500 MB on a file system of more than 5 GB (a
 * tenth of it on smaller ones), a warning.
 */
public final class DiskCheck extends Check {

  static final long WARN_BELOW = 500L * 1024 * 1024;

  public DiskCheck(DoctorEnv env) {
    super("disk", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    Path configured = config.agent().dataDir();
    Path dir = configured;
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return List.of(
          Finding.fail(
              name(), "no directory of " + configured + " exists", "check agent.data_dir"));
    }
    long free = env.usableBytes().applyAsLong(existing);
    String where =
        configured + (Files.isDirectory(dir) ? "" : " (not created yet; measured on its parent)");
    if (free < 0) {
      return List.of(
          Finding.warn(
              name(), "cannot tell the free space of " + where, "check `df -h " + existing + "`"));
    }
    long total = env.totalBytes().applyAsLong(existing);
    DiskReserve reserve = StoreOptions.defaults(configured).diskReserve();
    long reserveBytes = total > 0 ? reserve.bytesFor(total) : reserve.capBytes();
    String amount = human(free) + " free in " + where;
    String cleanUp = "free space (sudo apt clean; sudo journalctl --vacuum-size=50M)";
    if (free < reserveBytes) {
      return List.of(
          Finding.fail(
              name(),
              amount
                  + ": below the store's reserve of "
                  + reserve.describe(Math.max(0, total))
                  + ", so the agent refuses every new reading (not acknowledged; /healthz 503)",
              cleanUp
                  + ", shorten store.retention_raw, or give the data directory a bigger"
                  + " partition"));
    }
    long warnAt =
        Math.max(2 * reserveBytes, total > 0 ? Math.min(WARN_BELOW, total / 10) : WARN_BELOW);
    if (free < warnAt) {
      return List.of(
          Finding.warn(name(), amount + " (below " + human(warnAt) + ")", cleanUp + " soon"));
    }
    return List.of(Finding.ok(name(), amount));
  }

  static String human(long bytes) {
    if (bytes >= 1024L * 1024 * 1024) {
      return String.format("%.1f GB", bytes / (1024.0 * 1024 * 1024));
    }
    if (bytes >= 1024L * 1024) {
      return String.format("%.0f MB", bytes / (1024.0 * 1024));
    }
    return String.format("%.0f kB", bytes / 1024.0);
  }
}
