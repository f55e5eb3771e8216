package net.dhtedge.agent.pipeline;

import java.time.Instant;
import java.util.Optional;
import net.dhtedge.agent.contract.Timestamps;
import net.dhtedge.agent.store.StoreHealth;

/**
 * The store-failure alarm's state, on the store's writer thread: after a failed or refused write it
 * asks for one incident in the next batch that commits, saying since when writes failed; once that
 * batch committed it is quiet until writes fail again.
 */
final class StoreFailureAlarm {

  private boolean pending;
  private boolean inBatch;
  private Instant failingSince;

  /** A batch starts. */
  void beforeBatch() {
    inBatch = false;
  }

  /**
   * The message of the incident to raise in this batch, or empty when no write failed since the
   * last one was raised.
   */
  Optional<String> due(StoreHealth h) {
    if (!pending) {
      return Optional.empty();
    }
    inBatch = true;
    return Optional.of(
        "store writes failed since "
            + Timestamps.format(failingSince)
            + "; writes that failed were refused, not acknowledged (last error: "
            + h.lastError()
            + ")");
  }

  /** Whether this batch carries the alarm. */
  boolean inBatch() {
    return inBatch;
  }

  /** The batch committed: an alarm in it was raised. */
  void committed() {
    if (inBatch) {
      pending = false;
      failingSince = null;
    }
  }

  /** A write failed or was refused at {@code now}. */
  void failed(Instant now) {
    pending = true;
    if (failingSince == null) {
      failingSince = now;
    }
  }
}
