package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import net.dhtedge.agent.outbox.OutboxPriority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot and the big queries use the index they were written for (HSQLDB picks unique indexes
 * eagerly and uses an index for ORDER BY only in a particular form; a regression here turns a
 * millisecond query into a full scan of a large table).
 */
class QueryPlanTest {

  @TempDir Path dir;

  private String plan(Store s, String sql) throws SQLException {
    Dialect d = Dialect.hsqldb();
    try (Connection c =
            DriverManager.getConnection(d.jdbcUrl(s.options().dbDir()), d.connectionProperties());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      StringBuilder b = new StringBuilder();
      while (rs.next()) {
        b.append(rs.getString(1)).append('\n');
      }
      return b.toString();
    }
  }

  @Test
  void historyRetentionDedupAndOutboxQueriesUseTheirIndexes() throws SQLException {
    try (Store s = Store.open(StoreOptions.defaults(dir))) {
      Dialect d = Dialect.hsqldb();
      assertThat(plan(s, Queries.HISTORY_RAW.replace("?", "1")))
          .contains("index=READINGS_DEVICE_TS")
          .contains("uses index");
      assertThat(plan(s, d.deleteLimited("readings", "device = 1 AND ts < 5", 10)))
          .contains("index=READINGS_DEVICE_TS");
      assertThat(plan(s, d.deleteLimited("read_failures", "device = 1 AND ts < 5", 10)))
          .contains("index=READ_FAILURES_DEVICE_TS");
      for (String history : new String[] {Queries.HISTORY_1M, Queries.HISTORY_1H}) {
        // closed buckets from the aggregate table, the live one from the raw readings
        assertThat(plan(s, history.replace("?", "1")))
            .contains("uses index")
            .contains("index=READINGS_DEVICE_TS");
      }
      assertThat(plan(s, LiveAggregates.RAW_SUM.replace("?", "1")))
          .contains("index=READINGS_DEVICE_TS");
      assertThat(
              plan(
                  s,
                  "SELECT 1 FROM readings WHERE device = 1 AND dedup_kind = 0 AND dedup_value = 5"))
          .contains("index=SYS_PK");
      assertThat(
              plan(
                  s,
                  "SELECT id FROM outbox WHERE state = 0 ORDER BY state, priority, id"
                      + " FETCH FIRST 10 ROWS ONLY"))
          .contains("index=OUTBOX_STATE")
          .contains("uses index");
      assertThat(
              plan(
                  s,
                  "SELECT id FROM outbox WHERE state = 0 AND priority = "
                      + OutboxPriority.READING
                      + " ORDER BY state, priority, id FETCH FIRST 10 ROWS ONLY"))
          .contains("uses index");
    }
  }
}
