package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database whose {@code readings} are partitioned by time: housekeeping creates partitions ahead
 * of the clock and retention drops whole partitions instead of deleting rows ({@link
 * PostgresDialect}). Both run in a writer transaction.
 */
interface ReadingPartitions {

  /** Creates the partitions from today to a few days ahead that are missing; returns how many. */
  int createAhead(Connection c, long nowMillis) throws SQLException;

  /**
   * Drops every partition whose rows are all older than {@code cutoffMillis}; returns the rows they
   * held, or -1 when another store (another hub) is doing it right now.
   */
  long dropOlderThan(Connection c, long cutoffMillis) throws SQLException;

  /**
   * The table holding the readings no partition covers (older than the first partition, or far
   * ahead): retention deletes its rows one chunk at a time, as on an unpartitioned table.
   */
  String defaultPartition();
}
