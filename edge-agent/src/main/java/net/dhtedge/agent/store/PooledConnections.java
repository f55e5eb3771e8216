package net.dhtedge.agent.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connections to a database server through a HikariCP pool: the writer keeps one, readers borrow
 * and return theirs. The pool opens its first connection at once, so bad settings fail the store's
 * open with one line ({@link PostgresDialect#explain}) instead of at the first write.
 */
final class PooledConnections implements ConnectionFactory {

  private final HikariDataSource pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PooledConnections(HikariDataSource pool) {
    this.pool = pool;
  }

  /**
   * A pool for {@code target}; throws a {@link StoreException} of one line when the first
   * connection cannot be made.
   */
  static PooledConnections open(StoreTarget target, Dialect dialect) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("edge-agent-store");
    config.setJdbcUrl(target.url());
    config.setUsername(target.user());
    config.setPassword(target.password().get());
    config.setDataSourceProperties(dialect.connectionProperties());
    config.setMaximumPoolSize(target.poolSize());
    config.setMinimumIdle(1);
    config.setAutoCommit(true); // the writer turns it off on its own connection
    config.setConnectionTimeout(15_000);
    config.setInitializationFailTimeout(1); // one attempt at start-up: a clear error, not a wait
    try {
      return new PooledConnections(new HikariDataSource(config));
    } catch (HikariPool.PoolInitializationException e) {
      throw new StoreException(message(e, target), e);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot open the store at " + target.where() + ": " + e.getMessage(), e);
    }
  }

  private static String message(RuntimeException e, StoreTarget target) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException se) {
        return PostgresDialect.explain(se, target.where(), target.user());
      }
    }
    return "cannot open the store at " + target.where() + ": " + e.getMessage();
  }

  @Override
  public Connection open() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pool.close();
    }
  }
}
