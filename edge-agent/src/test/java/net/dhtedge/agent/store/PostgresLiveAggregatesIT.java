package net.dhtedge.agent.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import net.dhtedge.agent.testing.PostgresStores;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every {@link LiveAggregatesTest} (1-minute and 1-hour aggregates) again, on PostgreSQL. */
class PostgresLiveAggregatesIT extends LiveAggregatesTest {

  @RegisterExtension static PostgresStores pg = PostgresStores.perClass();

  @Override
  void leaveAsAKillWould(long t0) throws SQLException {
    StoreTarget t = pg.target(dir);
    try (Connection c = DriverManager.getConnection(t.url(), t.user(), t.password().get());
        Statement st = c.createStatement()) {
      st.execute("UPDATE devices SET agg_1m_live = " + t0 + ", agg_1h_live = " + t0);
      st.execute("DELETE FROM agg_1m");
      st.execute("DELETE FROM agg_1h");
    }
  }

  @Override
  Store open() {
    StoreOptions o = StoreOptions.defaults(dir);
    return Store.open(o, pg.target(o.dataDir()), clock);
  }
}
