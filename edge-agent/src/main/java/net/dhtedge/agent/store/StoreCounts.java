package net.dhtedge.agent.store;

/**
 * Numbers for the status page.
 *
 * @param readingsKept raw readings in the store now (after retention)
 * @param readingsStored readings ever stored
 * @param readFailuresKept failed local reads kept
 * @param devices devices known
 * @param incidentsNotResolved open or acknowledged incidents
 * @param outboxPending messages waiting to be published
 * @param outboxDropped reading messages dropped because the outbox was full, since start
 * @param sizeOnDiskBytes database files' size
 */
public record StoreCounts(
    long readingsKept,
    long readingsStored,
    long readFailuresKept,
    int devices,
    int incidentsNotResolved,
    long outboxPending,
    long outboxDropped,
    long sizeOnDiskBytes) {}
