package net.dhtedge.agent.store;

import java.time.Instant;
import java.util.Objects;
import net.dhtedge.agent.rules.Incident;
import net.dhtedge.agent.rules.Transition;

/**
 * One mail to send: an incident opened or resolved. Its {@link #key()} (incident id and change) is
 * what makes a mail go out once, however often the transition is seen.
 *
 * @param incidentId the incident
 * @param change {@code created} or {@code resolved}
 * @param deviceId the device (untrusted text: it may come from any MQTT client)
 * @param rule the rule id, e.g. {@code temperature_max}
 * @param metric e.g. {@code temperature}
 * @param value the value of this step, or null
 * @param threshold the limit crossed, or null
 * @param message the human text of this step
 * @param openedAt when the incident opened
 * @param ts when this step happened
 */
public record MailJob(
    long incidentId,
    String change,
    String deviceId,
    String rule,
    String metric,
    Double value,
    Double threshold,
    String message,
    Instant openedAt,
    Instant ts) {

  public MailJob {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(openedAt, "openedAt");
    Objects.requireNonNull(ts, "ts");
  }

  /** The mail of a transition, or null for transitions that send no mail (acknowledged). */
  public static MailJob of(Transition t) {
    if (t.change() == Transition.Change.ACKNOWLEDGED) {
      return null;
    }
    Incident i = t.incident();
    return new MailJob(
        i.id(),
        t.change().id(),
        i.deviceId(),
        i.rule().id(),
        i.rule().metric(),
        t.value() != null ? t.value() : i.value(),
        i.threshold(),
        t.message(),
        i.openedAt(),
        t.ts());
  }

  /** {@code <incident id>-<change>}: unique per mail, safe as a file name. */
  public String key() {
    return incidentId + "-" + change;
  }

  /** What the rate limit counts per: device and rule. */
  public String rateKey() {
    return deviceId + "\u0000" + rule;
  }
}
