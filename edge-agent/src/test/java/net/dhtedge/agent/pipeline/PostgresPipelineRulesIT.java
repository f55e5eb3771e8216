package net.dhtedge.agent.pipeline;

import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.PostgresStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every {@link PipelineRulesTest} (incidents opened, debounced, resolved, their events, alerts and
 * outbox messages) again, on a private PostgreSQL.
 */
class PostgresPipelineRulesIT extends PipelineRulesTest {

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
  Store openStore(StoreOptions so) {
    return Store.open(so, pg.target(so.dataDir()), clock);
  }
}
