package net.dhtedge.agent.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real HSQLDB connections whose commit can be made to fail like a full disk does (the log write of
 * the commit fails). Everything else goes to the real database.
 */
public final class FaultyConnections implements ConnectionFactory {

  private final ConnectionFactory real;
  private final AtomicInteger failNextCommits = new AtomicInteger();
  private volatile boolean full;
  public final List<Connection> opened = new CopyOnWriteArrayList<>();

  public FaultyConnections(Path dbDir) {
    Dialect d = Dialect.hsqldb();
    this.real = ConnectionFactory.of(d.jdbcUrl(dbDir), d.connectionProperties());
  }

  /** While full, every commit fails. */
  public void full(boolean isFull) {
    this.full = isFull;
  }

  /** The next n commits fail. */
  public void failNextCommits(int n) {
    failNextCommits.set(n);
  }

  @Override
  public Connection open() throws SQLException {
    Connection c = real.open();
    opened.add(c);
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.getName().equals("commit")
              && (full || failNextCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
            throw new SQLException("simulated: java.io.IOException: No space left on device");
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }
}
