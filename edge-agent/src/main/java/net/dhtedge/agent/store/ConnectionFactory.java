package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The seam in front of JDBC: how the store gets a connection. */
@FunctionalInterface
public interface ConnectionFactory extends AutoCloseable {

  Connection open() throws SQLException;

  /** Releases what the factory holds (a pool's connections); the store calls it last. */
  @Override
  default void close() {}

  /** Plain {@link DriverManager} connections to the dialect's URL. */
  static ConnectionFactory of(String url, Properties properties) {
    return () -> DriverManager.getConnection(url, properties);
  }
}
