package net.dhtedge.agent.store;

import java.time.Instant;

/**
 * How the store's writes are going.
 *
 * @param healthy false from a failed or refused write until the next successful commit of new data
 * @param failedCommits transactions that failed (full disk, I/O error, closed connection, a log
 *     write the database could not make durable) since start
 * @param failedWrites jobs (readings, ...) that could not be stored since start
 * @param lastError text of the last failure, or null: why the store is unhealthy
 * @param lastFailureAt when it happened, or null
 * @param disk the database's file system at the last batch (free, size, reserve), or null before
 *     the first
 */
public record StoreHealth(
    boolean healthy,
    long failedCommits,
    long failedWrites,
    String lastError,
    Instant lastFailureAt,
    DiskSpace disk) {}
