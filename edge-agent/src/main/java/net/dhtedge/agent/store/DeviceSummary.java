package net.dhtedge.agent.store;

import java.time.Instant;

/**
 * A device the store has seen, with its latest reading (by measurement time). The last* fields are
 * null for a device that only ever reported failures.
 */
public record DeviceSummary(
    String deviceId,
    Instant firstSeen,
    Instant lastSeen,
    Instant lastTs,
    Long lastSeq,
    Double temperature,
    Double humidity,
    String source,
    long readings) {}
