package net.dhtedge.agent.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import net.dhtedge.agent.rules.Incident;

/** An incident as the API, the live events and the MQTT routes send it (snake_case, ISO times). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record IncidentJson(
    long incidentId,
    String status,
    String deviceId,
    String rule,
    String metric,
    Double value,
    Double threshold,
    String message,
    String openedAt,
    String acknowledgedAt,
    String acknowledgedBy,
    String resolvedAt,
    String resolvedBy) {

  static IncidentJson of(Incident i) {
    return new IncidentJson(
        i.id(),
        i.status().id(),
        i.deviceId(),
        i.rule().id(),
        i.rule().metric(),
        i.value(),
        i.threshold(),
        i.message(),
        Json.ts(i.openedAt()),
        Json.ts(i.acknowledgedAt()),
        i.acknowledgedBy(),
        Json.ts(i.resolvedAt()),
        i.resolvedBy());
  }
}
