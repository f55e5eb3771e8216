package net.dhtedge.agent.pipeline;

/**
 * Counters since start, for the status page and metrics.
 *
 * @param stored readings committed
 * @param duplicates readings dropped as duplicates
 * @param storeFailures readings that could not be stored (their futures failed)
 * @param readFailures failed local reads recorded
 * @param incidentsOpen incidents open or acknowledged now
 * @param outboxDepth messages waiting to be published
 * @param outboxDropped reading messages dropped because the outbox was full
 * @param storeHealthy false while the store's writes fail
 * @param eventsDropped stored readings not passed to listeners (live views, Home Assistant) because
 *     they were {@link Pipeline#MAX_PENDING_EVENTS} behind; incidents are never dropped
 */
public record PipelineCounters(
    long stored,
    long duplicates,
    long storeFailures,
    long readFailures,
    int incidentsOpen,
    long outboxDepth,
    long outboxDropped,
    boolean storeHealthy,
    long eventsDropped) {}
