package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.PostgresServer;
import net.dhtedge.agent.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edge-agent hub} against a private Mosquitto (shared subscriptions) and a private
 * PostgreSQL: two hubs of one group split the readings, and each reading is stored once.
 */
class HubIT {

  static MosquittoBroker broker;
  static PostgresServer pg;
  @TempDir static Path root;

  @BeforeAll
  static void start() {
    pg = PostgresServer.startNew();
    broker = MosquittoBroker.builder(root.resolve("mosquitto")).start();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static AgentConfig hubConfig(Path data, String name, String url, Path passwordFile)
      throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: %s
        mqtt:
          servers: [%s]
          client_id: %s
          share_group: fleet
          reconnect_min: 200ms
          reconnect_max: 1s
        store:
          url: %s
          user: %s
          password_file: %s
        http:
          port: 0
        """
            .formatted(data, name, broker.url(), name, url, PostgresServer.USER, passwordFile);
    return new ConfigLoader().parse(yaml, "hub.yml").config();
  }

  static Path passwordFile(Path dir, String password) throws Exception {
    Path f = dir.resolve("store-password");
    Files.writeString(f, password + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void twoHubsOfOneGroupSplitTheReadingsAndPostgresHoldsEachOnceEvenWhenSentTwice(@TempDir Path dir)
      throws Exception {
    String url = pg.createDatabase("fleet_split");
    Path pw = passwordFile(dir, pg.password());
    int n = 2000;
    List<byte[]> readings = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      readings.add(
          ("{\"device_id\":\"esp-"
                  + (i % 20)
                  + "\",\"seq\":"
                  + i
                  + ",\"temperature\":21.5,\"humidity\":40,\"gateway\":\"gw-1\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    try (Agent a =
            Agent.start(
                hubConfig(dir.resolve("a"), "hub-a", url, pw),
                Agent.Mode.HUB,
                AgentClock.system());
        Agent b =
            Agent.start(
                hubConfig(dir.resolve("b"), "hub-b", url, pw),
                Agent.Mode.HUB,
                AgentClock.system())) {
      assertThat(a.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
      assertThat(b.connection().awaitConnected(Duration.ofSeconds(10))).isTrue();
      try (TestClient sender = TestClient.connect(broker.url(), "gateway-sender")) {
        sender.publishAll("dht11/sensor/data", readings);
        // the same readings again, as a gateway would after losing its acks
        sender.publishAll("dht11/sensor/data", readings);
      }
      await().atMost(Duration.ofSeconds(120)).until(() -> handled(a) + handled(b) >= 2L * n);
      long storedA = a.pipeline().counters().stored();
      long storedB = b.pipeline().counters().stored();
      // every message handled (stored or a duplicate) and so acknowledged, each by one hub
      assertThat(handled(a) + handled(b)).as("handled of %d sent", 2 * n).isEqualTo(2L * n);
      assertThat(storedA).as("hub-a's share of %d", n).isPositive();
      assertThat(storedB).as("hub-b's share of %d", n).isPositive();
      // exactly once in the database, whichever hub a reading and its copy went to
      assertThat(rows(url, "SELECT count(*) FROM readings"))
          .as("rows in PostgreSQL (hub-a stored %d, hub-b %d)", storedA, storedB)
          .isEqualTo(n);
      assertThat(rows(url, "SELECT count(DISTINCT device) FROM readings")).isEqualTo(20);
    }
  }

  @Test
  void aHubWithoutPostgresOrWithAWrongPasswordSaysSoInOneLine(@TempDir Path dir) throws Exception {
    String url = pg.createDatabase("fleet_bad");
    AgentConfig embedded =
        new ConfigLoader()
            .parse(
                "agent: {data_dir: %s}\nmqtt: {servers: [%s]}\nhttp: {port: 0}\n"
                    .formatted(dir.resolve("e"), broker.url()),
                "hub.yml")
            .config();
    assertThatThrownBy(() -> Agent.start(embedded, Agent.Mode.HUB, AgentClock.system()))
        .hasMessageContaining("--store jdbc:postgresql://");
    Path wrong = passwordFile(dir, "not-the-password");
    assertThatThrownBy(
            () ->
                Agent.start(
                    hubConfig(dir.resolve("w"), "hub-w", url, wrong),
                    Agent.Mode.HUB,
                    AgentClock.system()))
        .satisfies(e -> assertThat(AgentRunner.describe(e)).doesNotContain("\n"))
        .satisfies(e -> assertThat(AgentRunner.describe(e)).contains("wrong password"));
  }

  private static long handled(Agent a) {
    return a.pipeline().counters().stored() + a.pipeline().counters().duplicates();
  }

  private static long rows(String url, String sql) throws Exception {
    String db = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c = pg.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
