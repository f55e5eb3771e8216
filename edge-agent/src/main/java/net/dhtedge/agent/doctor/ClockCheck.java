package net.dhtedge.agent.doctor;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dhtedge.agent.config.AgentConfig;

/**
 * The clock is synchronised. A Pi has no real-time clock: until NTP answers, readings would carry a
 * wrong time. Asks {@code timedatectl show -p NTPSynchronized}, then looks for {@code
 * /run/systemd/timesync/synchronized}, then {@code adjtimex --print}'s status (bit 0x40 = unsync).
 */
public final class ClockCheck extends Check {

  /**
   * Earlier than this, the clock is certainly wrong (a Pi booting without NTP starts in the past).
   */
  static final Instant PLAUSIBLE_AFTER = Instant.parse("2025-01-01T00:00:00Z");

  private static final Pattern ADJTIMEX_STATUS = Pattern.compile("(?m)^\\s*status:\\s*(\\d+)");
  private static final int STA_UNSYNC = 0x40;

  public ClockCheck(DoctorEnv env) {
    super("clock", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    Instant now = env.clock().instant();
    if (now.isBefore(PLAUSIBLE_AFTER)) {
      return List.of(
          Finding.fail(
              name(),
              "the clock says " + now + ", which is in the past: readings would carry wrong times",
              "connect the Pi to a network with NTP (sudo timedatectl set-ntp true) or add an RTC"));
    }
    Duration t = Duration.ofSeconds(3);
    Optional<String> ntp =
        env.commands().run(List.of("timedatectl", "show", "-p", "NTPSynchronized", "--value"), t);
    if (ntp.isPresent() && !ntp.get().isBlank()) {
      return fromAnswer(ntp.get().strip().equals("yes"), "timedatectl", now);
    }
    if (Files.exists(env.path("/run/systemd/timesync/synchronized"))) {
      return List.of(Finding.ok(name(), "synchronised (systemd-timesyncd), now " + now));
    }
    Optional<String> adj = env.commands().run(List.of("adjtimex", "--print"), t);
    if (adj.isPresent()) {
      Matcher m = ADJTIMEX_STATUS.matcher(adj.get());
      if (m.find()) {
        return fromAnswer((Integer.parseInt(m.group(1)) & STA_UNSYNC) == 0, "adjtimex", now);
      }
    }
    return List.of(
        Finding.warn(
            name(),
            "cannot tell whether the clock is synchronised (no timedatectl, no timesyncd, no"
                + " adjtimex); now "
                + now,
            "install systemd-timesyncd or chrony"));
  }

  private List<Finding> fromAnswer(boolean synced, String source, Instant now) {
    if (synced) {
      return List.of(Finding.ok(name(), "synchronised (" + source + "), now " + now));
    }
    return List.of(
        Finding.fail(
            name(),
            "not synchronised (" + source + "): reading times may be wrong; now " + now,
            "sudo timedatectl set-ntp true and check the network (timedatectl timesync-status)"));
  }
}
