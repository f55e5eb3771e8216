package net.dhtedge.agent.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;

/** Free space where the store lives: warn below 500 MB, fail below 50 MB. */
public final class DiskCheck implements Check {

  static final long WARN_BELOW = 500L * 1024 * 1024;
  static final long FAIL_BELOW = 50L * 1024 * 1024;

  private final DoctorEnv env;

  public DiskCheck(DoctorEnv env) {
    this.env = env;
  }

  @Override
  public String name() {
    return "disk";
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
    String amount = human(free) + " free in " + where;
    if (free < FAIL_BELOW) {
      return List.of(
          Finding.fail(
              name(),
              amount + ": the store stops accepting readings when the disk is full",
              "free space (sudo apt clean; sudo journalctl --vacuum-size=50M) or shorten"
                  + " store.retention_raw"));
    }
    if (free < WARN_BELOW) {
      return List.of(
          Finding.warn(
              name(),
              amount + " (below 500 MB)",
              "free space soon (sudo apt clean; sudo journalctl --vacuum-size=50M)"));
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
