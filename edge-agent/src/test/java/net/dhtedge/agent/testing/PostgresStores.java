package net.dhtedge.agent.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.dhtedge.agent.store.StoreTarget;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Store tests run against PostgreSQL: one private server per test class, one fresh database per
 * data directory (each test's {@code @TempDir}), so a test that reopens its store finds its data
 * and the next test starts empty, as with HSQLDB files. Either {@link #start()} it, or register
 * {@link #perClass()} as a static {@code @RegisterExtension} field: the server then starts before
 * the class's tests and stops after them.
 */
public final class PostgresStores implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  private PostgresServer server;
  private final Map<Path, String> databases = new HashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  private PostgresStores(PostgresServer server) {
    this.server = server;
  }

  /** Starts the server (skips the test class when PostgreSQL is not installed). */
  public static PostgresStores start() {
    return new PostgresStores(PostgresServer.startNew());
  }

  /** Not started yet: {@code @RegisterExtension static PostgresStores pg = perClass();}. */
  public static PostgresStores perClass() {
    return new PostgresStores(null);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = PostgresServer.startNew(); // skips the class when PostgreSQL is not installed
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
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
    if (server != null) {
      server.close();
    }
  }
}
