package net.dhtedge.agent.store;

import net.dhtedge.agent.testing.PostgresStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every {@link OutboxTest} again, on a private PostgreSQL. */
class PostgresOutboxIT extends OutboxTest {

  static PostgresStores pg;

  @BeforeAll
  static void up() {
    pg = PostgresStores.start();
  }

  @AfterAll
  static void down() {
    if (pg != null) {
      pg.close();
    }
  }

  @Override
  Store open(StoreOptions o) {
    return Store.open(o, pg.target(o.dataDir()), clock);
  }
}
