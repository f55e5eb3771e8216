package net.dhtedge.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP port as an unfriendly network sees it (issue 15, items 1 and 8): a real agent on a real
 * socket, attacked with raw TCP. A small cap and a short idle time keep the run short; the
 * mechanism is the same at the defaults (128 connections, 10 s).
 */
class HostileClientsTest {
  private static final int CAP = 32;
  private static final Duration IDLE = Duration.ofMillis(1000);

  @TempDir static Path data;
  static Agent agent;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    String yaml =
        """
        agent:
          data_dir: %s
          name: gw-hostile
        sensors:
          - id: pi-sim
            backend: sim
            interval: 1s
            sim: {seed: 7}
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          max_connections: %d
          idle_timeout: %dms
        """
            .formatted(data, CAP, IDLE.toMillis());
    AgentConfig c = new ConfigLoader().parse(yaml, "test.yml").config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    agent = Agent.start(c, Agent.Mode.RUN, AgentClock.system());
    http = new Http(agent.httpPort(), Http.tokenOf(data));
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  @Test
  void tenThousandPartialAndIdleConnectionsLeaveFdsAndHeapAtBaselineWhileThePageAnswers()
      throws Exception {
    assertThat(http.get("/").statusCode()).isEqualTo(200);
    long fdsBefore = openFds();
    long heapBefore = usedHeapAfterGc();
    Random random = new Random(15);
    int opened = 0;
    int pageAnswers = 0;
    int rounds = 0;
    while (opened < 10_000) {
      // A round: up to 400 connections in one of four shapes, some closed at once, the rest
      // held while the status page is asked for, then all closed.
      int n = 100 + random.nextInt(301);
      List<Socket> held = new ArrayList<>();
      for (int i = 0; i < n && opened < 10_000; i++, opened++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", agent.httpPort()), 5000);
        OutputStream out = s.getOutputStream();
        switch (random.nextInt(4)) {
          case 0 -> out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
          case 1 -> out.write("GET /api/status HTTP/1.1\r\nHost: x\r\nX-A: ".getBytes());
          case 2 ->
              out.write("POST /mqtt/connect HTTP/1.1\r\nContent-Length: 9000\r\n\r\n{".getBytes());
          default -> {
            // connect and say nothing
          }
        }
        if (random.nextBoolean()) {
          s.close();
        } else {
          held.add(s);
        }
      }
      double openNow = metric(http.get("/metrics").body(), "edge_agent_http_connections");
      assertThat(openNow).as("open connections in round %d", rounds).isLessThanOrEqualTo(CAP);
      HttpResponse<String> page = http.get("/");
      assertThat(page.statusCode()).as("status page during round %d", rounds).isEqualTo(200);
      pageAnswers++;
      for (Socket s : held) {
        s.close();
      }
      rounds++;
    }
    assertThat(pageAnswers).isEqualTo(rounds);
    // Within the idle time (plus the guard's sweep), every attack connection is gone.
    await()
        .atMost(IDLE.multipliedBy(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(metric(http.get("/metrics").body(), "edge_agent_http_connections"))
                    .isLessThanOrEqualTo(1));
    await()
        .atMost(IDLE.multipliedBy(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(openFds()).isLessThanOrEqualTo(fdsBefore + 8));
    // 10,000 connections at the 30-40 KB each that the JDK server kept would be 300+ MB.
    assertThat(usedHeapAfterGc() - heapBefore).isLessThan(32L << 20);
    String metrics = http.get("/metrics").body();
    assertThat(
            metric(metrics, "edge_agent_http_connections_closed_total{reason=\"idle\"}")
                + metric(metrics, "edge_agent_http_connections_closed_total{reason=\"evicted\"}"))
        .isPositive();
  }

  @Test
  void aRequestLineAndThenSilenceIsClosedAfterTheIdleTime() throws Exception {
    try (Socket s = new Socket("127.0.0.1", agent.httpPort())) {
      s.setSoTimeout((int) IDLE.multipliedBy(20).toMillis());
      s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      // The server closes (end of stream, or a 408 first): it does not wait for ever.
      byte[] rest = s.getInputStream().readAllBytes();
      String text = new String(rest, StandardCharsets.ISO_8859_1);
      assertThat(text.isEmpty() || text.startsWith("HTTP/1.1 4")).as(text).isTrue();
    }
  }

  @Test
  void headersTrickledOneByteAtATimeAreCutOffAtTheIdleTime() throws Exception {
    byte[] slow =
        "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .getBytes();
    try (Socket s = new Socket("127.0.0.1", agent.httpPort())) {
      boolean cut = false;
      for (byte b : slow) {
        try {
          s.getOutputStream().write(b);
          s.getOutputStream().flush();
        } catch (IOException e) {
          cut = true;
          break;
        }
        Thread.sleep(IDLE.toMillis() / 5);
        if (s.getInputStream().available() > 0 || isClosedByPeer(s)) {
          cut = true;
          break;
        }
      }
      // 61 bytes at 5 per idle time outlast it 12 times over: the header timeout must have cut it.
      assertThat(cut).as("trickled headers are cut before they end").isTrue();
    }
  }

  @Test
  void malformedRequestsGetAJsonAnswerNeverTheServersHtml() throws Exception {
    for (String request :
        List.of(
            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /% HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /api/readings?device=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /api/incidents?limit=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /mqtt/connect HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
            "\u0000\u0001\u00ff\u00fe junk \r\n\r\n",
            "BREW /coffee HTCPCP/1.0\r\n\r\n")) {
      Answer a = exchange(request.getBytes(StandardCharsets.ISO_8859_1));
      // 4xx, or 505 for a protocol that is not HTTP/1.x; never a 500
      assertThat(a.status).as(request.lines().findFirst().orElse("")).isBetween(400, 505);
      assertThat(a.status).as(request).isNotEqualTo(500);
      assertThat(a.header("content-type")).as(request).startsWith("application/json");
      JsonNode body = Http.JSON.readTree(a.body);
      assertThat(body.hasNonNull("error")).as(a.body).isTrue();
    }
  }

  @Test
  void aRequestWithBareLineFeedsIsAnswered() throws Exception {
    Answer a = exchange("GET /healthz HTTP/1.1\nHost: x\n\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(a.status).isEqualTo(200);
    assertThat(Http.JSON.readTree(a.body).get("status").asText()).isEqualTo("ok");
  }

  @Test
  void extremeDatesInAReadingsQueryGiveA400NamingTheParameter() {
    for (String q :
        List.of(
            "from=-1000000000-01-01T00:00:00Z",
            "to=%2B1000000000-12-31T23:59:59Z",
            "from=-999999999-01-01T00:00:00Z",
            "to=%2B999999999-12-31T23:59:59Z",
            "from=999999999999999",
            "to=1969-12-31T23:59:59Z")) {
      HttpResponse<String> r = http.get("/api/readings?device=pi-sim&" + q);
      String param = q.substring(0, q.indexOf('='));
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(Http.json(r).get("field").asText()).as(q).isEqualTo(param);
    }
  }

  @Test
  void noQueryParameterOfAnyEndpointGivesA500() throws IOException {
    Random random = new Random(7);
    String[] paths = {
      "/",
      "/api/status",
      "/api/devices",
      "/api/readings",
      "/api/incidents",
      "/metrics",
      "/healthz",
      "/mqtt/status"
    };
    String[] params = {"device", "from", "to", "step", "status", "limit", "token", "x"};
    String[] nasty = {
      "",
      "-1",
      "0",
      "1",
      "9223372036854775807",
      "-9223372036854775808",
      "99999999999999999999",
      "1e308",
      "NaN",
      "-1000000000-01-01T00:00:00Z",
      "%2B1000000000-12-31T23:59:59Z",
      "2026-13-45T25:61:61Z",
      "2026-01-01T00:00:00%2B25:00",
      "raw",
      "1m",
      "1h",
      "2h",
      "open,",
      ",",
      "open,open",
      "%00",
      "%E2%82%AC",
      "%C0%AF",
      "%zz",
      "%",
      "pi-sim",
      "a".repeat(5000),
      "%2F..%2F..",
      "'%20OR%201=1--",
      "%F0%9F%92%A9"
    };
    int asked = 0;
    for (int i = 0; i < 2000; i++) {
      String path = paths[random.nextInt(paths.length)];
      StringBuilder q = new StringBuilder();
      int n = 1 + random.nextInt(4);
      for (int k = 0; k < n; k++) {
        q.append(k == 0 ? '?' : '&')
            .append(params[random.nextInt(params.length)])
            .append('=')
            .append(nasty[random.nextInt(nasty.length)]);
      }
      if (path.equals("/api/readings") && random.nextBoolean()) {
        q.append("&device=pi-sim");
      }
      // Raw bytes, not java.net.http: it would refuse to send a bad escape such as "%".
      Answer r =
          exchange(
              ("GET " + path + q + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      asked++;
      assertThat(r.status).as(path + q).isLessThan(500);
      if (r.status >= 400 || !path.equals("/") && !path.equals("/metrics")) {
        assertThat(r.header("content-type")).as(path + q).startsWith("application/json");
      }
    }
    assertThat(asked).isEqualTo(2000);
  }

  // ---- helpers ----

  private record Answer(int status, List<String> headers, String body) {
    String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return h.substring(colon + 1).trim();
        }
      }
      return "";
    }
  }

  /** Sends raw bytes, reads one answer (headers, then Content-Length bytes). */
  private static Answer exchange(byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", agent.httpPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        byte[] h = head.toByteArray();
        int len = h.length;
        if (len >= 4
            && h[len - 4] == '\r'
            && h[len - 3] == '\n'
            && h[len - 2] == '\r'
            && h[len - 1] == '\n') {
          break;
        }
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      assertThat(lines[0]).as("status line").startsWith("HTTP/1.1 ");
      int status = Integer.parseInt(lines[0].substring(9, 12));
      List<String> headers = Stream.of(lines).skip(1).filter(l -> !l.isEmpty()).toList();
      Answer a = new Answer(status, headers, "");
      String cl = a.header("content-length");
      byte[] body = cl.isEmpty() ? in.readAllBytes() : in.readNBytes(Integer.parseInt(cl));
      return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static boolean isClosedByPeer(Socket s) throws IOException {
    s.setSoTimeout(1);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static double metric(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(name + " not in /metrics");
  }

  private static long openFds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    var mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
