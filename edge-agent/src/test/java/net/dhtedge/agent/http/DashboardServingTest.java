package net.dhtedge.agent.http;

import static net.dhtedge.agent.http.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigException;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 1: the agent serves the built dashboard at {@code /dashboard/}, same origin as the
 * API. Real agent, real files on disk, real HTTP (and raw sockets for paths a client would tidy).
 */
class DashboardServingTest {
  private static final String SECRET = "not-for-the-web-7f3a";
  @TempDir static Path tmp;
  static Agent agent;
  static Http http;
  static Path site;

  @BeforeAll
  static void start() throws Exception {
    site = tmp.resolve("dist");
    Files.createDirectories(site.resolve("vendor"));
    Files.createDirectories(site.resolve("docs"));
    Files.writeString(site.resolve("index.html"), "<!doctype html><title>dash</title>");
    Files.writeString(site.resolve("app.js"), "export const x = 1;");
    Files.writeString(site.resolve("style.css"), "body{}");
    Files.writeString(site.resolve("vendor/VERSIONS.txt"), "mqtt 5.16.0\n");
    Files.writeString(site.resolve("docs/index.html"), "<p>docs</p>");
    Files.write(site.resolve("blob.xyz"), new byte[] {1, 2, 3});
    Files.writeString(site.resolve(".hidden"), SECRET);
    Files.writeString(tmp.resolve("secret.txt"), SECRET);
    Files.createSymbolicLink(site.resolve("escape.txt"), tmp.resolve("secret.txt"));
    Files.createSymbolicLink(site.resolve("up"), tmp);
    Path data = tmp.resolve("data");
    String yaml =
        """
        agent:
          data_dir: %s
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          read_requires_token: true
          token: a-long-enough-test-token
          dashboard_dir: %s
        """
            .formatted(data, site);
    AgentConfig c = new ConfigLoader().parse(yaml, "test.yml").config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    agent = Agent.start(c, Agent.Mode.LISTEN, AgentClock.system());
    http = new Http(agent.httpPort(), "a-long-enough-test-token");
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  @Test
  void theIndexAndItsFilesAreServedWithTheirContentTypesWithoutTheToken() {
    HttpResponse<String> index = http.get("/dashboard/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).isEqualTo("<!doctype html><title>dash</title>");
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(type("/dashboard/app.js")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(type("/dashboard/style.css")).isEqualTo("text/css; charset=utf-8");
    assertThat(type("/dashboard/vendor/VERSIONS.txt")).isEqualTo("text/plain; charset=utf-8");
    assertThat(type("/dashboard/blob.xyz")).isEqualTo("application/octet-stream");
    assertThat(http.get("/dashboard/docs/").body()).isEqualTo("<p>docs</p>");
    // The API still wants the token (read_requires_token): only the site's files are public.
    assertThat(http.get("/api/status").statusCode()).isEqualTo(401);
  }

  @Test
  void defaultsJsonTellsThePageItsApiAndPrefix() {
    HttpResponse<String> r = http.get("/dashboard/defaults.json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    JsonNode d = json(r);
    assertThat(d.get("api").asText()).isEqualTo("/");
    assertThat(d.get("prefix").asText()).isEqualTo("dht11");
    assertThat(d.has("broker")).as("MQTT is off: no broker to suggest").isFalse();
  }

  @Test
  void withoutTheSlashOrForADirectoryTheAnswerIsARedirectKeepingTheQuery() {
    HttpResponse<String> r = http.get("/dashboard?broker=ws%3A%2F%2Fh%3A1%2Fmqtt");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location"))
        .hasValue("/dashboard/?broker=ws%3A%2F%2Fh%3A1%2Fmqtt");
    HttpResponse<String> dir = http.get("/dashboard/docs");
    assertThat(dir.statusCode()).isEqualTo(301);
    assertThat(dir.headers().firstValue("Location")).hasValue("/dashboard/docs/");
  }

  @Test
  void headHasTheLengthAndNoBodyAndAnUnchangedFileIsA304() {
    HttpResponse<String> head = http.send(http.request("/dashboard/app.js").HEAD());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("19");
    assertThat(head.body()).isEmpty();
    String etag = head.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again =
        http.send(http.request("/dashboard/app.js").header("If-None-Match", etag).GET());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void onlyGetAndHeadAndUnknownFilesAreJson404s() {
    HttpResponse<String> post =
        http.send(
            http.request("/dashboard/index.html")
                .header("Authorization", "Bearer a-long-enough-test-token")
                .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(json(post).get("error").asText()).isEqualTo("method not allowed");
    HttpResponse<String> missing = http.get("/dashboard/nope.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(json(missing).get("path").asText()).isEqualTo("/dashboard/nope.js");
    assertThat(http.get("/elsewhere.js").statusCode()).isEqualTo(404);
  }

  @Test
  void nothingOutsideTheDirectoryNorHiddenIsServedHoweverThePathIsSpelled() throws Exception {
    for (String path :
        new String[] {
          "/dashboard/../secret.txt",
          "/dashboard/./../secret.txt",
          "/dashboard/%2e%2e/secret.txt",
          "/dashboard/%2E%2E%2Fsecret.txt",
          "/dashboard/..%2fsecret.txt",
          "/dashboard/..%5csecret.txt",
          "/dashboard/vendor/../../secret.txt",
          "/dashboard/%252e%252e/secret.txt",
          "/dashboard//etc/passwd",
          "/dashboard/%00index.html",
          "/dashboard/index.html%00.js",
          "/dashboard/escape.txt",
          "/dashboard/up/secret.txt",
          "/dashboard/.hidden",
          "/dashboard/%2ehidden",
          "/dashboard/C:%5csecret.txt",
          "/dashboard/%zz",
          "/dashboard/%c0%ae%c0%ae/secret.txt"
        }) {
      String answer = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(answer).as(path).doesNotContain(SECRET).doesNotContain("root:");
      assertThat(answer).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*");
      assertThat(answer).as(path).contains("application/json");
    }
  }

  @Test
  void anAgentWithoutADashboardSaysHowToServeOne(@TempDir Path data) throws ConfigException {
    AgentConfig c =
        new ConfigLoader()
            .parse(
                "agent: {data_dir: %s}\nmqtt: {enabled: false}\nhttp: {bind: 127.0.0.1}\n"
                    .formatted(data),
                "t.yml")
            .config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    try (Agent plain = Agent.start(c, Agent.Mode.LISTEN, AgentClock.system())) {
      HttpResponse<String> r = new Http(plain.httpPort(), "x").get("/dashboard/");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(json(r).get("hint").asText()).contains("http.dashboard_dir");
    }
  }

  @Test
  void theDirectoryComesFromTheConfigElseTheEnvironmentAndMustHoldABuiltSite() throws Exception {
    String yaml = "http: {dashboard_dir: %s}\n";
    Map<String, String> env = Map.of("EDGE_AGENT_DASHBOARD_DIR", site.toString());
    ConfigLoader withEnv = new ConfigLoader(env::get, () -> "host", tmp);
    assertThat(withEnv.parse("", "e.yml").config().http().dashboardDir()).isEqualTo(site);
    Path other = tmp.resolve("docs-site");
    Files.createDirectories(other);
    Files.writeString(other.resolve("index.html"), "x");
    assertThat(withEnv.parse(yaml.formatted(other), "f.yml").config().http().dashboardDir())
        .as("the file wins")
        .isEqualTo(other);
    assertThat(new ConfigLoader().parse("", "n.yml").config().http().dashboardDir()).isNull();

    Path empty = tmp.resolve("not-built");
    Files.createDirectories(empty);
    try {
      new ConfigLoader().parse(yaml.formatted(empty), "b.yml");
      throw new AssertionError("a directory without index.html was accepted");
    } catch (ConfigException e) {
      assertThat(e.format()).contains("dashboard_dir").contains("npm run build");
    }
    Map<String, String> badEnv = Map.of("EDGE_AGENT_DASHBOARD_DIR", tmp.resolve("nope").toString());
    try {
      new ConfigLoader(badEnv::get, () -> "host", tmp).parse("", "c.yml");
      throw new AssertionError("a missing directory from the environment was accepted");
    } catch (ConfigException e) {
      assertThat(e.format()).contains("EDGE_AGENT_DASHBOARD_DIR").contains("no such directory");
    }
  }

  @Test
  void aPortWildcardOriginMatchesThatHostOnAnyPortAndNothingElse() {
    assertThat(ApiServer.originMatches("http://localhost:*", "http://localhost:8000")).isTrue();
    assertThat(ApiServer.originMatches("http://localhost:*", "http://localhost")).isTrue();
    assertThat(ApiServer.originMatches("http://localhost:*", "http://localhost:65535")).isTrue();
    assertThat(ApiServer.originMatches("http://localhost:*", "https://localhost:8000")).isFalse();
    assertThat(ApiServer.originMatches("http://localhost:*", "http://localhost.evil.org"))
        .isFalse();
    assertThat(ApiServer.originMatches("http://localhost:*", "http://localhost:80.evil.org"))
        .isFalse();
    assertThat(ApiServer.originMatches("http://localhost:*", "http://127.0.0.1:8000")).isFalse();
    assertThat(ApiServer.originMatches("http://localhost:*", "http://localhost:123456")).isFalse();
    assertThat(ApiServer.originMatches("https://a.org", "https://a.org")).isTrue();
    assertThat(ApiServer.originMatches("https://a.org", "https://a.org:8443")).isFalse();
    assertThat(ApiServer.originMatches("*", "http://anything:1")).isTrue();
  }

  private static String type(String path) {
    HttpResponse<String> r = http.get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.headers().firstValue("Content-Type").orElseThrow();
  }

  private static String raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", agent.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
