package net.dhtedge.agent.pipeline;

import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.PostgresStores;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every {@link PipelineStoreTest} (readings stored and read back, dedup by seq and by ts, device
 * limit, aggregates, retention, reopen) again, on a private PostgreSQL.
 */
class PostgresPipelineStoreIT extends PipelineStoreTest {

  @RegisterExtension static PostgresStores pg = PostgresStores.perClass();

  @Override
  Store openStore(StoreOptions so) {
    return Store.open(so, pg.target(so.dataDir()), clock);
  }
}
