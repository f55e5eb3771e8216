package net.dhtedge.agent.store;

import java.time.Instant;

/**
 * How the store's writes are going.
 *
 * @param healthy false after a failed commit until the next successful one
 * @param failedCommits transactions that failed (full disk, I/O error, closed connection) since
 *     start
 * @param failedWrites jobs (readings, ...) that could not be stored since start
 * @param lastError text of the last failure, or null
 * @param lastFailureAt when it happened, or null
 */
public record StoreHealth(
    boolean healthy,
    long failedCommits,
    long failedWrites,
    String lastError,
    Instant lastFailureAt) {}
