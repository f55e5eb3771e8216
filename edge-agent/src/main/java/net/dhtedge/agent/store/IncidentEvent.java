package net.dhtedge.agent.store;

import java.time.Instant;

/** One stored step of an incident's life (created, acknowledged, resolved). */
public record IncidentEvent(
    long id,
    long incidentId,
    Instant ts,
    String event,
    String actor,
    Double value,
    String message) {}
