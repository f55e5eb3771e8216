package net.dhtedge.agent.store;

import net.dhtedge.agent.testing.PostgresStores;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every {@link OutboxTest} again, on a private PostgreSQL. */
class PostgresOutboxIT extends OutboxTest {

  @RegisterExtension static PostgresStores pg = PostgresStores.perClass();

  @Override
  Store open(StoreOptions o) {
    return Store.open(o, pg.target(o.dataDir()), clock);
  }
}
