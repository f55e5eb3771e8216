package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * The store's read connections: read-only, reused (closing a HSQLDB session writes a DISCONNECT to
 * the log and syncs it; at one outbox poll per second that was a sync per second), at most {@link
 * #MAX_IDLE} kept idle. A read/write lock lets the writer shut every reader out while it reopens
 * the database ({@link #exclusive}).
 */
final class ReaderPool {

  static final int MAX_IDLE = 2;

  @FunctionalInterface
  interface SqlFunction<T> {
    T apply(Connection c) throws SQLException;
  }

  private final ConnectionFactory connections;
  private final BooleanSupplier closed;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final ReadWriteLock files = new ReentrantReadWriteLock();

  ReaderPool(ConnectionFactory connections, BooleanSupplier closed) {
    this.connections = connections;
    this.closed = closed;
  }

  /** Runs {@code f} on a read connection; waits up to 10 s while the writer reopens the files. */
  <T> T query(SqlFunction<T> f) {
    if (closed.getAsBoolean()) {
      throw new StoreException("store is closed", null);
    }
    Lock shared = files.readLock();
    try {
      if (!shared.tryLock(10, TimeUnit.SECONDS)) {
        throw new StoreException("store busy: the writer is reopening the database", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the store", e);
    }
    try {
      return queryUnderLock(f);
    } finally {
      shared.unlock();
    }
  }

  /**
   * Runs {@code r} while no reader is inside the database (nor can open it): the writer closes the
   * database like a crash and cuts its log back under this lock, so no reader opens it between the
   * two and replays a torn log. Idle read connections are closed with it.
   */
  void exclusive(Runnable r) {
    Lock own = files.writeLock();
    own.lock();
    try {
      r.run();
      closeIdle();
    } finally {
      own.unlock();
    }
  }

  private <T> T queryUnderLock(SqlFunction<T> f) {
    Connection c = idle.poll();
    try {
      if (c == null || c.isClosed()) {
        c = connections.open();
        c.setReadOnly(true);
      }
      T result = f.apply(c);
      if (idle.size() < MAX_IDLE && !closed.getAsBoolean()) {
        idle.push(c);
        c = null;
        if (closed.getAsBoolean()) {
          closeIdle();
        }
      }
      return result;
    } catch (SQLException e) {
      throw new StoreException("store query failed", e);
    } finally {
      StoreWriter.closeQuietly(c);
    }
  }

  /** Closes the idle connections (a reader in use closes its own when done). */
  void closeIdle() {
    for (Connection c = idle.poll(); c != null; c = idle.poll()) {
      StoreWriter.closeQuietly(c);
    }
  }
}
