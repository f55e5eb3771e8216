package net.dhtedge.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.cli.Main;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the token comes from, and what read_requires_token locks. */
class TokenAndReadAccessIT {

  private static String runOnce(Path config) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.execute("run", "--config", config.toString(), "--exit-after", "1s"))
          .isEqualTo(0);
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutAConfiguredTokenTheFirstStartCreatesA0600TokenFileAndPrintsItOnce(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    Path config = dir.resolve("edge-agent.yml");
    Files.writeString(
        config,
        """
        agent:
          data_dir: %s
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          port: %d
        """
            .formatted(data, MosquittoBroker.freePort()));
    String first = runOnce(config);
    Path file = data.resolve(TokenFile.NAME);
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String token = Files.readString(file).strip();
    assertThat(token).matches("[A-Za-z0-9_-]{43}"); // 32 bytes, base64url without padding
    assertThat(first).contains(token).contains("HTTP API token");

    String second = runOnce(config);
    assertThat(second).doesNotContain(token).doesNotContain("HTTP API token");
    assertThat(Files.readString(file).strip()).isEqualTo(token);
  }

  @Test
  void aConfiguredTokenIsUsedAndNoFileIsWritten(@TempDir Path data) throws Exception {
    try (Agent agent = start(data, "token: configured-token-0123456789", false)) {
      assertThat(data.resolve(TokenFile.NAME)).doesNotExist();
      assertThat(agent.newHttpToken()).isNull();
      Http http = new Http(agent.httpPort(), "configured-token-0123456789");
      assertThat(http.post("/api/incidents/77/ack", "{}").statusCode()).isEqualTo(404);
      assertThat(http.get("/api/status").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void readRequiresTokenLocksEveryGetAndTheEventStreamTakesItInTheQuery(@TempDir Path data)
      throws Exception {
    String token = "read-token-0123456789abcdef";
    try (Agent agent = start(data, "token: " + token, true)) {
      Http http = new Http(agent.httpPort(), token);
      for (String path :
          new String[] {"/", "/api/status", "/api/devices", "/metrics", "/healthz"}) {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(401);
        assertThat(r.body()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(http.getWithToken(path).statusCode()).as(path).isEqualTo(200);
      }
      // A query token is accepted only where a browser cannot send a header.
      assertThat(http.get("/api/status?token=" + token).statusCode()).isEqualTo(401);
      assertThat(http.get("/?token=" + token).statusCode()).isEqualTo(200);
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + agent.httpPort() + "/api/events?token=" + token)
                  .toURL()
                  .openConnection();
      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(c.getContentType()).startsWith("text/event-stream");
      c.disconnect();
      HttpURLConnection wrong =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + agent.httpPort() + "/api/events?token=x")
                  .toURL()
                  .openConnection();
      assertThat(wrong.getResponseCode()).isEqualTo(401);
      wrong.disconnect();
    }
  }

  private static Agent start(Path data, String tokenLine, boolean readToken) throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          %s
          read_requires_token: %s
        """
            .formatted(data, tokenLine, readToken);
    AgentConfig c = new ConfigLoader().parse(yaml, "test.yml").config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    return Agent.start(c, Agent.Mode.RUN, AgentClock.system());
  }
}
