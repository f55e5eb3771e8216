package net.dhtedge.agent.http;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;

/**
 * HTTP numbers for docs/performance.md. Not a test (timings do not belong in unit tests on a shared
 * machine): run it by hand, from the repository root:
 *
 * <pre>
 * mvn -B -q -Pbench -pl edge-agent -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp "edge-agent/target/test-classes:edge-agent/target/classes:gpio-driver/target/classes:$(cat edge-agent/cp.txt)" \
 *     net.dhtedge.agent.http.HttpBenchmark
 * </pre>
 *
 * <p>Measures: server start-up time and heap cost; {@code GET /api/readings} over 24 h of a 1 Hz
 * device (86,400 readings) at step 1m; the status page; the ingest rate with and without 200
 * connected SSE clients.
 */
public final class HttpBenchmark {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private HttpBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("http-bench");
    try {
      run(dir);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  private static void run(Path dir) throws Exception {
    System.out.printf(
        "machine: %d cores, %s %s, java %s, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    String yaml =
        """
        agent:
          data_dir: %s
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          max_connections: 512        # 200 SSE clients plus the request clients
        """
            .formatted(dir);
    AgentConfig c = new ConfigLoader().parse(yaml, "bench.yml").config();
    c = Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL));
    try (Agent agent = Agent.start(c, Agent.Mode.RUN, AgentClock.system())) {
      startupAndMemory(agent);
      String base = "http://127.0.0.1:" + agent.httpPort();

      Instant day = Instant.parse("2026-11-01T00:00:00Z");
      long t0 = System.nanoTime();
      submit(agent, "bench-1hz", day, 86_400, 0);
      System.out.printf(
          "loaded 86,400 readings (24 h at 1 Hz) in %.1f s%n", (System.nanoTime() - t0) / 1e9);

      String readings =
          base
              + "/api/readings?device=bench-1hz&step=1m&from=2026-11-01T00:00:00Z"
              + "&to=2026-11-02T00:00:00Z";
      String body = get(readings);
      if (!body.contains("\"count\":1440")) {
        throw new IllegalStateException("expected 1440 points: " + body.substring(0, 200));
      }
      report("GET /api/readings 24 h step=1m (1440 points)", readings, 20, 100);
      report(
          "GET /api/readings 24 h step=1h (24 points)",
          readings.replace("step=1m", "step=1h"),
          20,
          100);
      report(
          "GET /api/readings 1 h raw (3600 points)",
          readings.replace("step=1m", "step=raw").replace("2026-11-02T00", "2026-11-01T01"),
          20,
          100);
      report("GET / (status page)", base + "/", 20, 100);
      ApiBackend backend = backendOf(agent);
      serverTime("status page render (server time)", () -> StatusPage.render(backend, false));
      serverTime("  of which devices()", backend::devices);
      serverTime(
          "  of which notResolvedIncidents()",
          () -> backend.pipeline().store().notResolvedIncidents());
      serverTime("  of which sizeOnDisk()", () -> backend.pipeline().store().sizeOnDisk());
      serverTime("  of which counters()", () -> backend.pipeline().counters());
      report("GET /api/status", base + "/api/status", 20, 100);
      report("GET /metrics", base + "/metrics", 20, 100);

      if (System.getProperty("bench.sse", "true").equals("true")) {
        sseIngest(agent, base, 0);
        sseIngest(agent, base, 2_000);
      }
    }
  }

  private static void startupAndMemory(Agent agent) throws Exception {
    // A second server on the same agent's backend: what one server costs to start and keep.
    var mem = ManagementFactory.getMemoryMXBean();
    long[] starts = new long[7];
    long[] heap = new long[7];
    for (int i = 0; i < starts.length; i++) {
      System.gc();
      Thread.sleep(100);
      long before = mem.getHeapMemoryUsage().getUsed();
      int threadsBefore = Thread.activeCount();
      long t = System.nanoTime();
      ApiServer s =
          new ApiServer(
              Records.with(
                  HttpOptions.defaults(),
                  "bind",
                  "127.0.0.1",
                  "port",
                  HttpOptions.EPHEMERAL,
                  "token",
                  new Secret("bench-token-0123456789", Secret.Origin.INLINE)),
              backendOf(agent));
      starts[i] = System.nanoTime() - t;
      get("http://127.0.0.1:" + s.port() + "/healthz");
      System.gc();
      Thread.sleep(100);
      heap[i] = mem.getHeapMemoryUsage().getUsed() - before;
      if (i == starts.length - 1) {
        System.out.printf(
            "platform threads added by one server: %d%n", Thread.activeCount() - threadsBefore);
      }
      s.close();
    }
    Arrays.sort(starts);
    Arrays.sort(heap);
    System.out.printf(
        "server start-up: median %.1f ms (first %.1f ms incl. class loading is in the max: %.1f ms)%n",
        starts[3] / 1e6, starts[0] / 1e6, starts[6] / 1e6);
    System.out.printf("server heap after one request (retained): median %d KiB%n", heap[3] >> 10);
  }

  private static ApiBackend backendOf(Agent agent) throws Exception {
    var f = Agent.class.getDeclaredMethod("httpBackend");
    f.setAccessible(true);
    return (ApiBackend) f.invoke(agent);
  }

  /**
   * Ingest rate without and with 200 SSE clients. {@code rate} 0: as fast as the pipeline goes
   * (saturation); otherwise offered at that many readings a second for 5 s, and the commit latency
   * reported.
   */
  private static void sseIngest(Agent agent, String base, int rate) throws Exception {
    int n = rate == 0 ? 20_000 : rate * 5;
    System.out.println(
        rate == 0
            ? "-- ingest at saturation (as fast as the store commits) --"
            : "-- ingest offered at " + rate + " readings/s for 5 s --");
    double[] without = new double[3];
    double[] with = new double[3];
    long seq = 1_000_000;
    for (int round = 0; round < 3; round++) {
      without[round] = ingest(agent, "ingest-a" + rate + "-" + round, n, seq, rate);
      seq += n;
      List<CompletableFuture<?>> streams = new ArrayList<>();
      List<HttpResponse<Stream<String>>> open = new ArrayList<>();
      AtomicLong lines = new AtomicLong();
      for (int i = 0; i < 200; i++) {
        HttpResponse<Stream<String>> r =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(base + "/api/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        open.add(r);
        streams.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    r.body().forEach(l -> lines.incrementAndGet());
                  } catch (RuntimeException e) {
                    // closed
                  }
                },
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
      }
      Thread.sleep(500);
      with[round] = ingest(agent, "ingest-b" + rate + "-" + round, n, seq, rate);
      seq += n;
      Thread.sleep(1000);
      String metrics = get(base + "/metrics");
      String dropped =
          metrics
              .lines()
              .filter(l -> l.startsWith("edge_agent_sse_clients_dropped_total "))
              .findFirst()
              .orElse("?");
      System.out.printf(
          "round %d: ingest without SSE %.0f readings/s, with 200 SSE clients %.0f readings/s"
              + " (%+.1f %%); SSE lines received %d; %s%n",
          round,
          without[round],
          with[round],
          100 * (with[round] - without[round]) / without[round],
          lines.get(),
          dropped);
      for (HttpResponse<Stream<String>> r : open) {
        r.body().close();
      }
      Thread.sleep(500);
    }
    Arrays.sort(without);
    Arrays.sort(with);
    System.out.printf(
        "ingest median: without SSE %.0f/s, with 200 SSE clients %.0f/s (%+.1f %%)%n",
        without[1], with[1], 100 * (with[1] - without[1]) / without[1]);
  }

  private static double ingest(Agent agent, String device, int n, long seq, int rate)
      throws Exception {
    long t = System.nanoTime();
    if (rate == 0) {
      submit(agent, device, Instant.parse("2026-11-02T00:00:00Z"), n, seq);
      return n / ((System.nanoTime() - t) / 1e9);
    }
    long[] latency = new long[n];
    List<CompletableFuture<?>> all = new ArrayList<>(n);
    long interval = 1_000_000_000L / rate;
    Instant from = Instant.parse("2026-11-03T00:00:00Z");
    for (int i = 0; i < n; i++) {
      long due = t + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      long sent = System.nanoTime();
      int k = i;
      all.add(
          agent
              .pipeline()
              .submit(new Reading(device, from.plusMillis(i), seq + i, 21, 50, "mqtt"))
              .whenComplete((o, e) -> latency[k] = System.nanoTime() - sent));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double achieved = n / ((System.nanoTime() - t) / 1e9);
    Arrays.sort(latency);
    System.out.printf(
        "   %s: achieved %.0f readings/s, commit latency p50 %.1f ms, p99 %.1f ms%n",
        device, achieved, latency[n / 2] / 1e6, latency[(int) (n * 0.99)] / 1e6);
    return achieved;
  }

  private static void submit(Agent agent, String device, Instant from, int n, long seq)
      throws Exception {
    Semaphore window = new Semaphore(2000);
    List<CompletableFuture<?>> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      window.acquire();
      CompletableFuture<?> f =
          agent
              .pipeline()
              .submit(
                  new Reading(
                      device, from.plusSeconds(i), seq + i, 20 + (i % 100) / 10.0, 50, "mqtt"));
      f.whenComplete((o, e) -> window.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static void serverTime(String what, java.util.function.Supplier<?> f) {
    for (int i = 0; i < 20; i++) {
      f.get();
    }
    long[] t = new long[100];
    for (int i = 0; i < t.length; i++) {
      long s = System.nanoTime();
      f.get();
      t[i] = System.nanoTime() - s;
    }
    Arrays.sort(t);
    System.out.printf(
        "%-45s median %6.2f ms  p95 %6.2f ms  max %6.2f ms%n",
        what, t[50] / 1e6, t[95] / 1e6, t[99] / 1e6);
  }

  private static void report(String what, String url, int warmup, int runs) throws Exception {
    for (int i = 0; i < warmup; i++) {
      get(url);
    }
    long[] t = new long[runs];
    for (int i = 0; i < runs; i++) {
      long s = System.nanoTime();
      get(url);
      t[i] = System.nanoTime() - s;
    }
    Arrays.sort(t);
    System.out.printf(
        "%-45s median %6.2f ms  p95 %6.2f ms  max %6.2f ms  (client-side, loopback)%n",
        what, t[runs / 2] / 1e6, t[(int) (runs * 0.95)] / 1e6, t[runs - 1] / 1e6);
  }
}
