package net.dhtedge.agent.rules;

import java.util.Locale;

/** Incident lifecycle: open -> acknowledged -> resolved (or open -> resolved). */
public enum IncidentStatus {
  OPEN,
  ACKNOWLEDGED,
  RESOLVED;

  /** The contract name: open, acknowledged or resolved. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IncidentStatus fromId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
