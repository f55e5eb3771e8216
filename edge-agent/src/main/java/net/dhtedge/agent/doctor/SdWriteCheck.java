package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.dhtedge.agent.config.AgentConfig;

/**
 * Bytes written to the disks per hour, from two readings of {@code /proc/diskstats} a few seconds
 * apart. Informative only (the whole machine's writes, not just the agent's): an SD card wears out
 * by the bytes written, so a number far above the agent's own (see docs/raspberry-pi.md) points to
 * another writer (swap, logs).
 */
public final class SdWriteCheck extends Check {

  /** Whole disks: SD cards, USB/SATA disks, NVMe; not partitions, loop or RAM devices. */
  private static final Pattern WHOLE_DISK =
      Pattern.compile("mmcblk\\d+|sd[a-z]+|nvme\\d+n\\d+|vd[a-z]+");

  private static final long SECTOR = 512;

  public SdWriteCheck(DoctorEnv env) {
    super("sd-writes", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    Map<String, Long> first;
    Map<String, Long> second;
    Instant t0 = env.clock().instant();
    try {
      first = sectorsWritten();
      env.sleeper().sleep(env.sample());
      second = sectorsWritten();
    } catch (IOException e) {
      return List.of(
          Finding.warn(
              name(), "cannot read /proc/diskstats: " + e.getMessage(), "run on Linux with /proc"));
    }
    Duration took = Duration.between(t0, env.clock().instant());
    if (took.isZero() || took.isNegative()) {
      took = env.sample();
    }
    if (first.isEmpty()) {
      return List.of(Finding.ok(name(), "no SD card or disk listed in /proc/diskstats"));
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : first.entrySet()) {
      Long after = second.get(e.getKey());
      if (after == null) {
        continue;
      }
      long bytes = Math.max(0, after - e.getValue()) * SECTOR;
      double perHour = bytes * 3600_000.0 / took.toMillis();
      parts.add(e.getKey() + " " + DiskCheck.human(Math.round(perHour)) + "/h");
    }
    return List.of(
        Finding.ok(
            name(),
            "written: "
                + String.join(", ", parts)
                + " (whole machine, measured over "
                + took.toMillis() / 1000.0
                + " s; informative)"));
  }

  /** Device name to sectors written (the 10th field of /proc/diskstats). */
  private Map<String, Long> sectorsWritten() throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(env.path("/proc/diskstats"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 10 && WHOLE_DISK.matcher(f[2]).matches()) {
        out.put(f[2], Long.parseLong(f[9]));
      }
    }
    return out;
  }
}
