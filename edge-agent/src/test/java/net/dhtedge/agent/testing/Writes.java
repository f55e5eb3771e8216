package net.dhtedge.agent.testing;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.Tx;
import net.dhtedge.agent.store.WriteJob;

/** Tests' way to write through the store's writer and wait for the commit. */
public final class Writes {

  /** Writes done in one store transaction. */
  @FunctionalInterface
  public interface Work {
    void apply(Tx tx) throws SQLException;
  }

  private Writes() {}

  /** Submits {@code work} and returns once it is committed (fails the test if it is not). */
  public static void write(Store store, Work work) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    store.submit(
        new WriteJob() {
          @Override
          public void apply(Tx tx) throws SQLException {
            work.apply(tx);
          }

          @Override
          public void committed() {
            done.complete(null);
          }

          @Override
          public void failed(Throwable cause) {
            done.completeExceptionally(cause);
          }
        });
    done.orTimeout(30, TimeUnit.SECONDS).join();
  }
}
