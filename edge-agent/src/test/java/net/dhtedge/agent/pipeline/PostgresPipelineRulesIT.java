package net.dhtedge.agent.pipeline;

import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.PostgresStores;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every {@link PipelineRulesTest} (incidents opened, debounced, resolved, their events, alerts and
 * outbox messages) again, on a private PostgreSQL.
 */
class PostgresPipelineRulesIT extends PipelineRulesTest {

  @RegisterExtension static PostgresStores pg = PostgresStores.perClass();

  @Override
  Store openStore(StoreOptions so) {
    return Store.open(so, pg.target(so.dataDir()), clock);
  }
}
