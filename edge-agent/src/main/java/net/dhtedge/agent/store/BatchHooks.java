package net.dhtedge.agent.store;

import java.sql.SQLException;

/**
 * Callbacks around each batch transaction, on the writer thread. The pipeline uses them to take and
 * restore the rules engine's state and to add its own writes (the store-failure alert).
 */
public interface BatchHooks {

  default void beforeBatch() {}

  /** All jobs applied; last chance to write in the same transaction. */
  default void beforeCommit(Tx tx) throws SQLException {}

  default void afterCommit() {}

  /** The transaction was rolled back; in-memory effects of the batch must be undone. */
  default void afterRollback(Throwable cause) {}

  /** Writes were refused before reaching the database (disk nearly full). */
  default void afterRefused() {}

  BatchHooks NONE = new BatchHooks() {};
}
