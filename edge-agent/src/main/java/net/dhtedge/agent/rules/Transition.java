package net.dhtedge.agent.rules;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One step of an incident's life, produced by the rules engine. The pipeline stores it as an
 * incident event, an alert and two outbox messages (incidents and alerts topics).
 *
 * @param incident the incident after the step
 * @param change what happened
 * @param ts when
 * @param actor who did it: a user for acknowledge/resolve calls, {@code rules} when automatic
 * @param value the value that caused this step (the opening value, the value back in band, ...)
 * @param message human text of this step
 */
public record Transition(
    Incident incident, Change change, Instant ts, String actor, Double value, String message) {

  /** Actor name of automatic transitions. */
  public static final String RULES = "rules";

  /** The contract's alert_type. */
  public enum Change {
    CREATED,
    ACKNOWLEDGED,
    RESOLVED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Transition {
    Objects.requireNonNull(incident, "incident");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(message, "message");
  }
}
