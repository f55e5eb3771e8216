package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.testing.Writes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTargetTest {

  @TempDir Path dir;

  @Test
  void theEmbeddedTargetAndTheEmbeddedDatabasesOwnUrlOpenTheSameHsqldbFiles() {
    StoreOptions o = StoreOptions.defaults(dir);
    try (Store s = Store.open(o, StoreTarget.embedded())) {
      Reading r = new Reading("d", Instant.parse("2026-11-27T12:00:00Z"), 1L, 20, 40, "sim");
      Writes.write(s, tx -> tx.insertReading(r, r.ts(), tx.dedup(r)));
    }
    String url = "jdbc:hsqldb:file:" + o.dbDir().resolve("agent");
    try (Store s = Store.open(o, StoreTarget.of(url, null, () -> ""))) {
      assertThat(s.counts().readingsKept()).isEqualTo(1);
    }
  }

  @Test
  void anHsqldbUrlOutsideTheDataDirectoryIsRefusedWithOneLine(@TempDir Path elsewhere) {
    String url = "jdbc:hsqldb:file:" + elsewhere.resolve("other");
    assertThatThrownBy(
            () -> Store.open(StoreOptions.defaults(dir), StoreTarget.of(url, null, () -> "")))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "an HSQLDB store lives in the data directory ("
                + dir.resolve("db").resolve("agent").toAbsolutePath()
                + "); leave the store URL unset, or set the data directory, instead of "
                + url);
  }

  @Test
  void onlyPostgresqlAndHsqldbUrlsAndSanePoolSizesAreTaken() {
    assertThatThrownBy(() -> StoreTarget.of("jdbc:mysql://h/db", "u", () -> "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "store URL must start with jdbc:postgresql:// or jdbc:hsqldb:file: (was"
                + " jdbc:mysql://h/db)");
    assertThatThrownBy(
            () -> StoreTarget.of("jdbc:postgresql://h/db", "u", () -> "p").withPoolSize(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("store pool size 2..100, was 1");
    StoreTarget t = StoreTarget.of("jdbc:postgresql://h:5433/db?password=secret", "u", () -> "p");
    assertThat(t.isPostgres()).isTrue();
    assertThat(t.toString()).doesNotContain("secret").contains("jdbc:postgresql://h:5433/db");
    assertThat(StoreTarget.embedded().isPostgres()).isFalse();
  }
}
