package net.dhtedge.agent.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.dhtedge.agent.store.StoreTarget;

/**
 * Store tests run against PostgreSQL: one private server per test class, one fresh database per
 * data directory (each test's {@code @TempDir}), so a test that reopens its store finds its data
 * and the next test starts empty, as with HSQLDB files.
 */
public final class PostgresStores implements AutoCloseable {

  private final PostgresServer server;
  private final Map<Path, String> databases = new HashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  private PostgresStores(PostgresServer server) {
    this.server = server;
  }

  /** Starts the server (skips the test class when PostgreSQL is not installed). */
  public static PostgresStores start() {
    return new PostgresStores(PostgresServer.startNew());
  }

  public PostgresServer server() {
    return server;
  }

  /** The database of this data directory, created on first use. */
  public synchronized StoreTarget target(Path dataDir) {
    String url =
        databases.computeIfAbsent(
            dataDir.toAbsolutePath(), d -> server.createDatabase("t" + next.incrementAndGet()));
    return StoreTarget.of(url, server.user(), server::password);
  }

  @Override
  public void close() {
    server.close();
  }
}
