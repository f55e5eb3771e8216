package net.dhtedge.agent.doctor;

import java.util.Objects;

/**
 * One line of the doctor's report.
 *
 * @param status ok, warn or FAIL
 * @param check the check's short name, e.g. {@code gpio}
 * @param message what was found, one line
 * @param fix what to do about it, or null when nothing needs doing
 */
public record Finding(Status status, String check, String message, String fix) {

  public Finding {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(message, "message");
  }

  public static Finding ok(String check, String message) {
    return new Finding(Status.OK, check, message, null);
  }

  public static Finding warn(String check, String message, String fix) {
    return new Finding(Status.WARN, check, message, fix);
  }

  public static Finding fail(String check, String message, String fix) {
    return new Finding(Status.FAIL, check, message, fix);
  }

  /** {@code ok gpio message (fix: ...)}: status and name padded into columns. */
  public String format() {
    String line = String.format("%-4s  %-13s %s", status.label(), check, message);
    return fix == null ? line : line + "  (fix: " + fix + ")";
  }
}
