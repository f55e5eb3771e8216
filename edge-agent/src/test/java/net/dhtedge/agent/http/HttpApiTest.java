package net.dhtedge.agent.http;

import static net.dhtedge.agent.http.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint over real HTTP: a real agent (store on disk, simulated sensor), MQTT off. */
class HttpApiTest {
  private static final String ORIGIN = "https://dash.example.org";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int HISTORY = 12_000; // one reading a second: 3 h 20 min

  @TempDir static Path data;
  static Agent agent;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: gw-http
        sensors:
          - id: pi-sim
            backend: sim
            interval: 1s
            sim: {seed: 7}
          - id: pi-broken
            backend: sim
            interval: 1s
            sim: {seed: 8, timeout_fault_rate: 1.0}
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          cors_origins: [%s]
        rules:
          defaults:
            temperature: {min: -30, max: 30, hysteresis: 0.5, debounce_count: 1}
        """
            .formatted(data, ORIGIN);
    AgentConfig c = new ConfigLoader().parse(yaml, "test.yml").config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    agent = Agent.start(c, Agent.Mode.RUN, AgentClock.system());
    http = new Http(agent.httpPort(), Http.tokenOf(data));
    List<CompletableFuture<?>> stored = new ArrayList<>();
    for (int i = 0; i < HISTORY; i++) {
      stored.add(
          agent
              .pipeline()
              .submit(new Reading("hist", T0.plusSeconds(i), (long) i, 20 + i % 5, 50, "mqtt")));
    }
    CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).join();
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  // ---- reads ----

  @Test
  void statusListsEachDeviceWithItsLastReadingAgeOnlineStateAndReadSuccessRate() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> json(http.get("/api/status")).get("devices").size() >= 2);
    HttpResponse<String> r = http.get("/api/status");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("name").asText()).isEqualTo("gw-http");
    JsonNode sim = device(body.get("devices"), "pi-sim");
    assertThat(sim.get("local").asBoolean()).isTrue();
    assertThat(sim.get("online").asBoolean()).isTrue();
    assertThat(sim.get("read_success_rate").asDouble()).isBetween(0.0, 1.0);
    assertThat(sim.get("last_reading").get("temperature").isNumber()).isTrue();
    assertThat(sim.get("age_s").asDouble()).isGreaterThanOrEqualTo(0);
    JsonNode hist = device(body.get("devices"), "hist");
    assertThat(hist.get("stale").asBoolean()).isTrue(); // its last reading is from January
    assertThat(hist.get("valid").asBoolean()).isFalse();
    assertThat(hist.get("read_success_rate").isNull()).isTrue();
  }

  @Test
  void statusSendsEveryPartWithItsSnakeCaseKeysAndLeavesOutThePartsThatAreOff() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> json(http.get("/api/status")).get("sensors").get(0).has("last_good_at"));
    JsonNode body = json(http.get("/api/status"));
    // MQTT is off here: no connection, publisher, ingest, device_status or mail keys at all
    assertThat(fieldNames(body))
        .containsExactly(
            "version",
            "name",
            "mode",
            "started_at",
            "uptime_s",
            "clock",
            "mqtt",
            "readings",
            "incidents",
            "store",
            "sensors",
            "jvm",
            "recent_errors",
            "devices");
    assertThat(fieldNames(body.get("clock")))
        .containsExactly("now", "steps", "step_threshold_s", "last_step");
    assertThat(body.get("clock").get("last_step").isNull()).isTrue();
    assertThat(fieldNames(body.get("mqtt")))
        .containsExactly("enabled", "connected", "outbox", "outbox_dropped");
    assertThat(fieldNames(body.get("readings")))
        .containsExactly(
            "stored",
            "duplicates",
            "events_dropped",
            "store_failures",
            "read_failures",
            "rejected");
    assertThat(fieldNames(body.get("incidents"))).containsExactly("open");
    assertThat(fieldNames(body.get("store")))
        .containsExactly(
            "healthy",
            "reason",
            "disk_free_bytes",
            "disk_size_bytes",
            "disk_reserve_bytes",
            "readings_kept",
            "devices",
            "size_bytes",
            "commits",
            "writes_committed",
            "largest_commit");
    assertThat(body.get("store").get("reason").isNull()).isTrue();
    JsonNode good = sensor(body, "pi-sim");
    assertThat(fieldNames(good))
        .containsExactly(
            "id",
            "backend",
            "valid",
            "attempts",
            "successes",
            "success_rate",
            "failures",
            "temperature",
            "humidity",
            "last_good_at",
            "age_s");
    JsonNode broken = sensor(body, "pi-broken");
    assertThat(fieldNames(broken))
        .containsExactly(
            "id",
            "backend",
            "valid",
            "attempts",
            "successes",
            "success_rate",
            "failures",
            "last_failure");
    assertThat(broken.get("last_failure").asText()).matches("[a-z-]+: .+"); // reason id: detail
    assertThat(fieldNames(body.get("jvm")))
        .containsExactly("heap_used_bytes", "heap_committed_bytes", "heap_max_bytes");
    assertThat(fieldNames(device(body.get("devices"), "hist")))
        .containsExactly(
            "device_id",
            "local",
            "last_reading",
            "age_s",
            "expected_interval_s",
            "stale",
            "online",
            "read_success_rate",
            "valid",
            "last_read_failed",
            "last_failure",
            "readings");
    assertThat(fieldNames(device(body.get("devices"), "hist").get("last_reading")))
        .containsExactly("ts", "temperature", "humidity", "source");
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode sensor(JsonNode status, String id) {
    for (JsonNode s : status.get("sensors")) {
      if (s.get("id").asText().equals(id)) {
        return s;
      }
    }
    throw new AssertionError("no sensor " + id + " in " + status.get("sensors"));
  }

  @Test
  void devicesListsTheStoredDevices() {
    JsonNode body = json(http.get("/api/devices"));
    JsonNode hist = device(body.get("devices"), "hist");
    assertThat(hist.get("readings").asLong()).isEqualTo(HISTORY);
    assertThat(hist.get("last_reading").get("ts").asText()).isEqualTo("2026-01-01T03:19:59.000Z");
  }

  @Test
  void readingsInRawAreEveryStoredReadingInTheRange() {
    HttpResponse<String> r =
        http.get("/api/readings?device=hist&from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("count").asInt()).isEqualTo(3600);
    assertThat(body.get("points").get(0).get("ts").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
  }

  @Test
  void readingsTakeEpochMillisecondsAndAggregateByMinuteAndHour() {
    long from = T0.toEpochMilli();
    long to = T0.plus(Duration.ofHours(4)).toEpochMilli();
    JsonNode minute =
        json(http.get("/api/readings?device=hist&step=1m&from=" + from + "&to=" + to));
    assertThat(minute.get("count").asInt()).isEqualTo(HISTORY / 60);
    JsonNode first = minute.get("points").get(0);
    assertThat(first.get("n").asInt()).isEqualTo(60);
    assertThat(first.get("temperature").get("min").asDouble()).isEqualTo(20.0);
    assertThat(first.get("temperature").get("max").asDouble()).isEqualTo(24.0);
    JsonNode hour = json(http.get("/api/readings?device=hist&step=1h&from=" + from + "&to=" + to));
    assertThat(hour.get("count").asInt()).isEqualTo(4);
    assertThat(hour.get("points").get(0).get("n").asInt()).isEqualTo(3600);
  }

  @Test
  void aRawRangeWithMoreThanTheMaximumOfPointsIs400AndSuggestsAStep() {
    HttpResponse<String> r =
        http.get("/api/readings?device=hist&from=2026-01-01T00:00:00Z&to=2026-01-01T04:00:00Z");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = json(r);
    assertThat(body.get("field").asText()).isEqualTo("step");
    assertThat(body.get("suggested_step").asText()).isEqualTo("1m");
    assertThat(body.get("max_points").asInt()).isEqualTo(10_000);
  }

  @Test
  void badReadingQueriesAre400NamingTheParameter() {
    assertThat(json(http.get("/api/readings")).get("field").asText()).isEqualTo("device");
    assertThat(json(http.get("/api/readings?device=a/b")).get("field").asText())
        .isEqualTo("device");
    HttpResponse<String> badFrom = http.get("/api/readings?device=hist&from=yesterday");
    assertThat(badFrom.statusCode()).isEqualTo(400);
    assertThat(json(badFrom).get("field").asText()).isEqualTo("from");
    assertThat(json(http.get("/api/readings?device=hist&step=5m")).get("field").asText())
        .isEqualTo("step");
    assertThat(json(http.get("/api/incidents?status=closed")).get("field").asText())
        .isEqualTo("status");
  }

  @Test
  void aDeviceWhoseLastReadFailedIsShownInvalidWithTheReasonNeverAsAValue() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                device(json(http.get("/api/devices")).get("devices"), "pi-broken")
                    .get("last_read_failed")
                    .asBoolean());
    JsonNode broken = device(json(http.get("/api/devices")).get("devices"), "pi-broken");
    assertThat(broken.get("valid").asBoolean()).isFalse();
    assertThat(broken.get("last_reading").isNull()).isTrue();
    assertThat(broken.get("last_failure").asText()).startsWith("no-response: ");
    assertThat(broken.get("read_success_rate").asDouble()).isEqualTo(0.0);
    String page = http.get("/").body();
    assertThat(page).containsPattern("id=\"dev-pi-broken\" class=\"invalid\"");
    assertThat(page).contains("invalid: no-response: ");
  }

  @Test
  void healthIs200WhileTheStoreIsHealthy() {
    HttpResponse<String> r = http.get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("ok");
  }

  @Test
  void metricsAreInPrometheusTextFormatWithHelpAndType() {
    HttpResponse<String> r = http.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");
    String m = r.body();
    assertThat(m)
        .contains("# HELP edge_agent_readings_stored_total ")
        .contains("# TYPE edge_agent_readings_stored_total counter")
        .contains("# TYPE edge_agent_outbox_depth gauge")
        .contains("edge_agent_readings_rejected_total{reason=\"wrong-type\"} ")
        .contains("edge_agent_sensor_reads_total{device=\"pi-sim\",outcome=\"ok\",reason=\"\"} ")
        .contains("edge_agent_incidents{status=\"open\"} ")
        .contains("edge_agent_mqtt_connected 0")
        .contains("edge_agent_jvm_memory_used_bytes{area=\"heap\"} ")
        .contains("edge_agent_jvm_memory_used_bytes{area=\"nonheap\"} ")
        .contains("edge_agent_uptime_seconds ");
    long stored =
        m.lines()
            .filter(l -> l.startsWith("edge_agent_readings_stored_total "))
            .mapToLong(l -> Long.parseLong(l.split(" ")[1]))
            .findFirst()
            .orElseThrow();
    assertThat(stored).isGreaterThanOrEqualTo(HISTORY);
    for (String line : m.lines().toList()) {
      assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? -?[0-9.eE+-]+");
    }
  }

  @Test
  void metricLabelValuesAndHelpTextAreEscaped() {
    assertThat(Metrics.escapeLabel("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    assertThat(Metrics.escapeHelp("a\\b\nc\"")).isEqualTo("a\\\\b\\nc\"");
  }

  @Test
  void theStatusPageIsSelfContainedHtmlWithTheDevicesAndEscapesWhatDevicesSend() {
    HttpResponse<String> post =
        http.post(
            "/mqtt/publish/sensor",
            "{\"device_id\":\"evil\",\"temperature\":20,\"humidity\":50,"
                + "\"source\":\"<script>x()</script>\"}");
    assertThat(post.statusCode()).isEqualTo(201);
    HttpResponse<String> r = http.get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    String page = r.body();
    assertThat(page).contains("id=\"dev-pi-sim\"").contains("id=\"dev-evil\"");
    assertThat(page).contains("&lt;script&gt;x()&lt;/script&gt;").doesNotContain("<script>x()");
    assertThat(page).doesNotContain("src=\"http").doesNotContain("href=\"http");
    assertThat(page).contains("prefers-color-scheme: dark").contains("name=\"viewport\"");
    // hist's last reading is months old: shown with its age and greyed as stale, never as current
    assertThat(page).containsPattern("id=\"dev-hist\" class=\"stale\"");
  }

  // ---- incidents ----

  @Test
  void anIncidentCanBeListedAcknowledgedAndResolved() {
    HttpResponse<String> hot =
        http.post(
            "/mqtt/publish/sensor", "{\"device_id\":\"hot\",\"temperature\":35,\"humidity\":50}");
    assertThat(hot.statusCode()).isEqualTo(201);
    assertThat(json(hot).get("published").asBoolean()).isFalse(); // MQTT is off
    await().atMost(Duration.ofSeconds(10)).until(() -> openIncidentOf("hot") != null);
    assertThat(fieldNames(openIncidentOf("hot")))
        .containsExactly(
            "incident_id",
            "status",
            "device_id",
            "rule",
            "metric",
            "value",
            "threshold",
            "message",
            "opened_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by");
    long id = openIncidentOf("hot").get("incident_id").asLong();

    HttpResponse<String> ack = http.post("/api/incidents/" + id + "/ack", "{\"by\":\"tester\"}");
    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(json(ack).get("status").asText()).isEqualTo("acknowledged");
    assertThat(json(ack).get("acknowledged_by").asText()).isEqualTo("tester");

    HttpResponse<String> resolve = http.post("/api/incidents/" + id + "/resolve", "");
    assertThat(resolve.statusCode()).isEqualTo(200);
    assertThat(json(resolve).get("status").asText()).isEqualTo("resolved");
    JsonNode resolved = json(http.get("/api/incidents?status=resolved")).get("incidents");
    assertThat(resolved.findValues("incident_id").stream().map(JsonNode::asLong)).contains(id);
  }

  @Test
  void actingOnAnUnknownIncidentIs404AndABadIdIs400() {
    HttpResponse<String> r = http.post("/api/incidents/999999/ack", "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("not found");
    HttpResponse<String> bad = http.post("/api/incidents/abc/ack", "{}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("field").asText()).isEqualTo("incident_id");
  }

  // ---- the reference endpoints without MQTT ----

  @Test
  void aSensorReadingIsValidatedLikeTheMqttContract() {
    HttpResponse<String> r =
        http.post("/mqtt/publish/sensor", "{\"temperature\":\"25\",\"humidity\":60}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("field").asText()).isEqualTo("temperature");
    assertThat(json(r).get("reason").asText()).isEqualTo("wrong-type");
    HttpResponse<String> missing = http.post("/mqtt/publish/sensor", "{\"temperature\":25}");
    assertThat(json(missing).get("field").asText()).isEqualTo("humidity");
    HttpResponse<String> bare =
        http.post("/mqtt/publish/sensor", "{\"temperature\":25,\"humidity\":60}");
    assertThat(bare.statusCode()).isEqualTo(201);
    assertThat(json(bare).get("reading").get("device_id").asText()).isEqualTo("default");
  }

  @Test
  void mqttEndpointsSay409WhenMqttIsOff() {
    assertThat(http.get("/mqtt/status").statusCode()).isEqualTo(409);
    assertThat(http.post("/mqtt/disconnect", "").statusCode()).isEqualTo(409);
  }

  // ---- errors ----

  @Test
  void aPostWithoutOrWithAWrongTokenIs401WithoutDetail() {
    for (HttpResponse<String> r :
        List.of(
            http.postWithoutToken("/api/incidents/1/ack", "{}"),
            http.send(
                http.request("/api/incidents/1/ack")
                    .header("Authorization", "Bearer nope")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))),
            http.send(
                http.request("/mqtt/publish/sensor")
                    .header("Authorization", "Basic " + Http.tokenOf(data))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))))) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).isEqualTo("{\"error\":\"unauthorized\"}");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }
  }

  @Test
  void aBodyOver16KibIs413ByContentLengthAndWhileReading() throws Exception {
    String big = "{\"temperature\":25,\"humidity\":60,\"pad\":\"" + "x".repeat(17_000) + "\"}";
    HttpResponse<String> r = http.post("/mqtt/publish/sensor", big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("error").asText()).isEqualTo("body too large");
    // Chunked: no Content-Length, so the server must count while reading.
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + agent.httpPort() + "/mqtt/publish/sensor")
                .toURL()
                .openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setChunkedStreamingMode(1024);
    c.setRequestProperty("Authorization", "Bearer " + Http.tokenOf(data));
    try (var out = c.getOutputStream()) {
      out.write(big.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      // the server may answer and close before the whole body is sent
    }
    assertThat(c.getResponseCode()).isEqualTo(413);
    c.disconnect();
  }

  @Test
  void badJsonIs400() {
    HttpResponse<String> r = http.post("/api/incidents/1/ack", "{\"by\":");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").asText()).isEqualTo("body is not valid JSON");
    HttpResponse<String> by = http.post("/api/incidents/1/ack", "{\"by\":42}");
    assertThat(by.statusCode()).isEqualTo(400);
    assertThat(json(by).get("field").asText()).isEqualTo("by");
  }

  @Test
  void anUnknownPathIs404InJson() {
    HttpResponse<String> r = http.get("/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    assertThat(json(r).get("error").asText()).isEqualTo("not found");
  }

  @Test
  void aWrongMethodIs405WithAllow() {
    HttpResponse<String> r = http.post("/api/status", "{}");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow").orElseThrow()).contains("GET");
    HttpResponse<String> g = http.get("/api/incidents/1/ack");
    assertThat(g.statusCode()).isEqualTo(405);
    assertThat(g.headers().firstValue("Allow").orElseThrow()).contains("POST");
  }

  // ---- CORS ----

  @Test
  void anAllowedOriginMayReadTheApi() {
    HttpResponse<String> r = http.send(http.request("/api/status").header("Origin", ORIGIN).GET());
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    HttpResponse<String> pre =
        http.send(
            http.request("/api/incidents/1/ack")
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(pre.statusCode()).isEqualTo(204);
    assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
        .contains("POST");
    assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Authorization")
        .contains("Content-Type");
  }

  @Test
  void anotherOriginGetsNoCorsHeadersAndItsPreflightIsRefused() {
    HttpResponse<String> r =
        http.send(http.request("/api/status").header("Origin", "https://evil.example").GET());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpResponse<String> pre =
        http.send(
            http.request("/api/incidents/1/ack")
                .header("Origin", ORIGIN + ".evil.example")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(pre.statusCode()).isEqualTo(403);
    assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  // ---- SSE ----

  @Test
  void theEventStreamCarriesReadingsAsTheyAreStored() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpResponse<java.util.stream.Stream<String>> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                http.request("/api/events").header("Origin", ORIGIN).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/event-stream");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    r.body().forEach(lines::add);
                  } catch (java.io.UncheckedIOException e) {
                    // closed by the test
                  }
                });
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("retry: 3000"));
      http.post(
          "/mqtt/publish/sensor",
          "{\"device_id\":\"sse-dev\",\"temperature\":21.5,\"humidity\":40}");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> lines.stream().anyMatch(l -> l.contains("\"device_id\":\"sse-dev\"")));
      int i = indexOf(lines, "sse-dev");
      assertThat(lines.get(i)).startsWith("data: {");
      assertThat(lines.get(i - 1)).isEqualTo("event: reading");
      assertThat(lines.get(i - 2)).startsWith("id: ");
      JsonNode data = Http.JSON.readTree(lines.get(i).substring(6));
      assertThat(data.get("temperature").asDouble()).isEqualTo(21.5);
    } finally {
      r.body().close();
      reader.interrupt();
    }
  }

  private static int indexOf(List<String> lines, String device) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"device_id\":\"" + device + "\"")) {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode openIncidentOf(String device) {
    for (JsonNode i : json(http.get("/api/incidents?status=open")).get("incidents")) {
      if (i.get("device_id").asText().equals(device)) {
        return i;
      }
    }
    return null;
  }

  private static JsonNode device(JsonNode devices, String id) {
    for (JsonNode d : devices) {
      if (d.get("device_id").asText().equals(id)) {
        return d;
      }
    }
    throw new AssertionError("no device " + id + " in " + devices);
  }
}
