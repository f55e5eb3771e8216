package net.dhtedge.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServerIT {

  @Test
  void itServesItsOwnPortWithAPasswordKeepsDataOverARestartAndCloseStopsIt() throws Exception {
    PostgresServer pg = PostgresServer.startNew();
    try {
      assertThat(pg.port()).isNotEqualTo(5432);
      String url = pg.createDatabase("harness");
      try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (n INTEGER)");
        s.execute("INSERT INTO t VALUES (42)");
      }
      assertThatThrownBy(() -> DriverManager.getConnection(url, pg.user(), "wrong").close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      pg.stop();
      assertThatThrownBy(() -> DriverManager.getConnection(url, pg.user(), pg.password()).close())
          .isInstanceOf(SQLException.class);
      pg.start();
      try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT n, current_setting('server_version_num') FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
        assertThat(rs.getInt(2) / 10_000).isEqualTo(pg.majorVersion());
      }
    } finally {
      pg.close();
      pg.close();
    }
    assertThatThrownBy(
            () -> DriverManager.getConnection(pg.url("harness"), pg.user(), pg.password()).close())
        .isInstanceOf(SQLException.class);
  }
}
