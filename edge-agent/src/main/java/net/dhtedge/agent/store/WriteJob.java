package net.dhtedge.agent.store;

import java.sql.SQLException;

/**
 * One unit of work for the single writer thread. Jobs are applied in queue order, many to a
 * transaction; {@link #committed()} runs after the commit that holds the job returned (the data is
 * on disk), {@link #failed(Throwable)} when it could not be stored.
 */
public interface WriteJob {

  /** Does the job's writes; runs on the writer thread inside the batch transaction. */
  void apply(Tx tx) throws SQLException;

  /** The transaction holding this job committed. Must not block. */
  void committed();

  /** The job could not be stored (after the writer retried it alone). Must not block. */
  void failed(Throwable cause);

  /**
   * Someone waits for this commit (an alert may come of it): the writer stops gathering more jobs
   * for the batch and commits what it has at once instead of waiting out the commit window.
   */
  default boolean urgent() {
    return false;
  }

  /** Deletes rather than adds (housekeeping): still runs when the disk is nearly full. */
  default boolean freesSpace() {
    return false;
  }

  /**
   * May wait (up to {@link StoreWriter#MAX_DEFER_MILLIS}) for the next commit instead of causing
   * its own: for writes whose loss on a power cut is harmless (an outbox confirmation: the message
   * is only published again, which at-least-once delivery allows). Nobody may be waiting on it.
   */
  default boolean deferrable() {
    return false;
  }

  /**
   * {@link #committed()} may run only once the commit holding this job is synced to disk (the
   * default: an MQTT reading is acknowledged to its sender then, so a power cut must not lose it).
   * False for writes nobody sends again and whose loss at a power cut is bounded: a local sensor's
   * reading, an outbox confirmation. A batch of only such jobs commits without a sync; the log
   * reaches the disk within {@link StoreOptions#localSyncIntervalMillis()}. Asked after {@link
   * #apply}, so the answer may depend on what the job wrote.
   */
  default boolean mustSync() {
    return true;
  }
}
