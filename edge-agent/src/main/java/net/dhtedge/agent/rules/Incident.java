package net.dhtedge.agent.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * One incident: a rule that fired for a device. At most one incident per (device, rule) is not
 * resolved at any time.
 *
 * @param value the value that opened it (null for rules without a value)
 * @param threshold the limit it crossed (null when not applicable)
 * @param message human text of the opening, e.g. "temperature 31.2 °C above maximum 30.0 °C"
 */
public record Incident(
    long id,
    String deviceId,
    Rule rule,
    IncidentStatus status,
    Double value,
    Double threshold,
    String message,
    Instant openedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant resolvedAt,
    String resolvedBy) {

  public Incident {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(openedAt, "openedAt");
  }

  /** A freshly opened incident. */
  public static Incident open(
      long id,
      String deviceId,
      Rule rule,
      Double value,
      Double threshold,
      String message,
      Instant at) {
    return new Incident(
        id,
        deviceId,
        rule,
        IncidentStatus.OPEN,
        value,
        threshold,
        message,
        at,
        null,
        null,
        null,
        null);
  }

  public boolean isResolved() {
    return status == IncidentStatus.RESOLVED;
  }

  Incident acknowledged(String who, Instant at) {
    return new Incident(
        id,
        deviceId,
        rule,
        IncidentStatus.ACKNOWLEDGED,
        value,
        threshold,
        message,
        openedAt,
        at,
        who,
        null,
        null);
  }

  Incident resolved(String who, Instant at) {
    return new Incident(
        id,
        deviceId,
        rule,
        IncidentStatus.RESOLVED,
        value,
        threshold,
        message,
        openedAt,
        acknowledgedAt,
        acknowledgedBy,
        at,
        who);
  }
}
