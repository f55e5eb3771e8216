package net.dhtedge.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The agent's benchmark (run with {@code bin/bench}). Every part is real and separate: a private
 * Mosquitto, the agent as its own JVM ({@code -Xmx64m}) with the store on disk and rules on, a bare
 * {@code mosquitto_sub} receiving the same stream in the same run, and a raw-socket QoS 1 publisher
 * ({@link RawPublisher}). Reports a markdown table on stdout; numbers, not assertions.
 */
public final class AgentBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicLong PEAK_HEAP = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "edge-agent/target/edge-agent.jar");
    Path work = Files.createTempDirectory("edge-bench");
    List<String[]> rows = new ArrayList<>();
    Process mosquitto = null;
    Process agent = null;
    Process sub = null;
    try {
      int mqttPort = freePort();
      int httpPort = freePort();
      Files.writeString(
          work.resolve("mosquitto.conf"),
          String.join(
              "\n",
              "listener " + mqttPort + " 127.0.0.1",
              "allow_anonymous true",
              "persistence false",
              // QoS 1 towards subscribers: a window of 20 (the default) caps any subscriber that
              // acknowledges after a disk commit; the docs recommend 1000 for gateways.
              "max_inflight_messages 1000",
              "max_queued_messages 1000000",
              "log_type error",
              ""));
      mosquitto =
          new ProcessBuilder("/usr/sbin/mosquitto", "-c", work.resolve("mosquitto.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("mosquitto.log").toFile())
              .start();
      waitForPort(mqttPort);
      String broker = "tcp://127.0.0.1:" + mqttPort;

      Files.writeString(
          work.resolve("agent.yml"),
          """
          agent:
            data_dir: %s
            name: bench
          mqtt:
            servers: [%s]
            client_id: bench-agent
          http:
            bind: 127.0.0.1
            port: %d
          rules:
            defaults:
              temperature: {min: 5, max: 30, hysteresis: 0.5, debounce_count: 1}
              humidity: {min: 10, max: 90, hysteresis: 1, debounce_count: 3}
          """
              .formatted(work.resolve("data"), broker, httpPort));
      long t0 = System.nanoTime();
      // Through the launcher, so the agent runs with exactly the flags users get.
      ProcessBuilder pb =
          new ProcessBuilder(
                  "bin/edge-agent", "listen", "--config", work.resolve("agent.yml").toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("agent.log").toFile());
      pb.environment().put("EDGE_AGENT_JAR", jar.toAbsolutePath().toString());
      agent = pb.start();
      long pid = agent.pid();
      while (!connected(httpPort)) {
        if (!agent.isAlive()) {
          throw new IllegalStateException(
              "agent exited: " + Files.readString(work.resolve("agent.log")));
        }
        Thread.sleep(10);
        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
          throw new IllegalStateException("agent not online within 60 s");
        }
      }
      double startupMs = (System.nanoTime() - t0) / 1e6;
      rows.add(
          row(
              "start-up to online (process start to MQTT connected)",
              "%.0f ms",
              startupMs,
              "<= 3000 ms"));

      RssSampler rss = new RssSampler(pid);
      rss.start();

      // 1. Sustained ingest vs a bare mosquitto_sub, same stream, same run.
      sub =
          new ProcessBuilder(
                  "mosquitto_sub",
                  "-h",
                  "127.0.0.1",
                  "-p",
                  String.valueOf(mqttPort),
                  "-q",
                  "1",
                  "-t",
                  "dht11/sensor/data",
                  "-C",
                  String.valueOf(n),
                  "-i",
                  "bench-sub")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(work.resolve("sub.log").toFile())
              .start();
      Thread.sleep(500);
      long storedBefore = stored(httpPort);
      JsonNode store0 = status(httpPort).path("store");
      long agentCpu0 = cpuMicros(pid);
      long brokerCpu0 = cpuMicros(mosquitto.pid());
      long pubStart = System.nanoTime();
      Thread publisher = Thread.ofPlatform().start(() -> publish(mqttPort, n, 100));
      long[] agentDone = new long[1];
      long agentCpu = 0;
      long subDone = 0;
      long deadline = pubStart + TimeUnit.SECONDS.toNanos(600);
      long pubDone = 0;
      while (System.nanoTime() < deadline && (agentDone[0] == 0 || subDone == 0)) {
        if (subDone == 0 && !sub.isAlive()) {
          subDone = System.nanoTime();
        }
        if (pubDone == 0 && !publisher.isAlive()) {
          pubDone = System.nanoTime();
        }
        if (agentDone[0] == 0 && stored(httpPort) - storedBefore >= n) {
          agentDone[0] = System.nanoTime();
          agentCpu = cpuMicros(pid) - agentCpu0;
        }
        Thread.sleep(20);
      }
      publisher.join();
      if (pubDone == 0) {
        pubDone = System.nanoTime();
      }
      double pubSecs = (pubDone - pubStart) / 1e9;
      double agentSecs = agentDone[0] == 0 ? Double.NaN : (agentDone[0] - pubStart) / 1e9;
      double subSecs = subDone == 0 ? Double.NaN : (subDone - pubStart) / 1e9;
      double agentRate = n / agentSecs;
      double subRate = n / subSecs;
      rows.add(
          row(
              "publisher (raw MQTT, QoS 1, window 1000, 100 devices) offered",
              "%.0f readings/s",
              n / pubSecs,
              ""));
      rows.add(row("bare mosquitto_sub -q 1 received", "%.0f readings/s", subRate, ""));
      rows.add(
          row(
              "agent ingest: stored with rules on (QoS 1, ack after commit)",
              "%.0f readings/s",
              agentRate,
              ">= 20000 /s"));
      rows.add(row("agent / mosquitto_sub", "%.0f %%", 100 * agentRate / subRate, ">= 50 %"));
      JsonNode store1 = status(httpPort).path("store");
      long commits = store1.path("commits").asLong() - store0.path("commits").asLong();
      rows.add(
          row(
              "... writes per commit (store), ingest phase",
              "%.0f",
              commits == 0
                  ? Double.NaN
                  : (double)
                          (store1.path("writes_committed").asLong()
                              - store0.path("writes_committed").asLong())
                      / commits,
              ""));
      // CPU time per reading does not depend on what else the machine runs as much as a rate does.
      rows.add(
          row(
              "agent CPU per reading stored (all threads, incl. status polling)",
              "%.1f us",
              (double) agentCpu / n,
              ""));
      rows.add(
          row(
              "... so one core would store",
              "%.0f readings/s",
              agentCpu == 0 ? Double.NaN : 1e6 * n / agentCpu,
              ""));
      rows.add(
          row(
              "broker CPU per reading (Mosquitto, 1 in, 2 QoS 1 subscribers out)",
              "%.1f us",
              (double) (cpuMicros(mosquitto.pid()) - brokerCpu0) / n,
              ""));

      // 2. Alert latency at 1,000 readings/s.
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      Map<String, Long> sentAtWall = new ConcurrentHashMap<>();
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      // The alert's ts is the reading's receive time in the agent (ms): it splits the latency.
      List<Long> toAgent = Collections.synchronizedList(new ArrayList<>());
      MqttAsyncClient alerts = client(broker, "bench-alerts");
      alerts.setCallback(
          new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
              long now = System.nanoTime();
              JsonNode a = JSON.readTree(message.getPayload());
              if ("created".equals(a.path("alert_type").asText())) {
                Long t = sentAt.remove(a.path("device_id").asText());
                if (t != null) {
                  latencies.add(now - t);
                  Long wall = sentAtWall.remove(a.path("device_id").asText());
                  if (wall != null && a.hasNonNull("ts")) {
                    toAgent.add(Instant.parse(a.get("ts").asText()).toEpochMilli() - wall);
                  }
                }
              }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
          });
      alerts.subscribe("dht11/alerts", 1).waitForCompletion(5_000);
      int latencyReadings = 20_000;
      JsonNode lat0 = status(httpPort).path("store");
      publishWithCrossings(broker, latencyReadings, 1000, sentAt, sentAtWall);
      Thread.sleep(2_000);
      JsonNode lat1 = status(httpPort).path("store");
      alerts.disconnect().waitForCompletion(5_000);
      alerts.close();
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      rows.add(row("alerts measured at 1,000 readings/s", "%.0f", (double) sorted.size(), ""));
      rows.add(
          row(
              "alert latency p50 (publish -> alert received)",
              "%.1f ms",
              pct(sorted, 50) / 1e6,
              ""));
      rows.add(row("alert latency p99", "%.1f ms", pct(sorted, 99) / 1e6, "<= 20 ms"));
      rows.add(row("alert latency max", "%.1f ms", pct(sorted, 100) / 1e6, ""));
      long latCommits = lat1.path("commits").asLong() - lat0.path("commits").asLong();
      rows.add(
          row(
              "... writes per commit (store) at 1,000 readings/s",
              "%.1f",
              latCommits == 0
                  ? Double.NaN
                  : (double)
                          (lat1.path("writes_committed").asLong()
                              - lat0.path("writes_committed").asLong())
                      / latCommits,
              ""));
      List<Long> split = new ArrayList<>(toAgent);
      Collections.sort(split);
      rows.add(
          new String[] {
            "... of which publish -> reading received by the agent (the alert's ts), p50 / p99",
            String.format(Locale.ROOT, "%.0f / %.0f ms", pct(split, 50), pct(split, 99)),
            ""
          });

      rss.stop();
      JsonNode st = status(httpPort);
      rows.add(
          row(
              "agent heap used, peak of the samples (-Xmx64m)",
              "%.1f MB",
              PEAK_HEAP.get() / 1e6,
              "<= 64 MB"));
      rows.add(
          row("agent RSS peak under load (VmHWM)", "%.0f MB", rss.peakKb() / 1024.0, "<= 160 MB"));
      rows.add(
          row(
              "... of which anonymous memory (RssAnon, peak)",
              "%.0f MB",
              rss.peakAnonKb() / 1024.0,
              ""));
      rows.add(
          row(
              "... of which mapped files (RssFile: jar, JDK, HSQLDB data file; reclaimable)",
              "%.0f MB",
              rss.peakFileKb() / 1024.0,
              ""));
      rows.add(row("readings rejected during the run", "%.0f", (double) sumRejected(st), "0"));

      // 3. A backlog: readings the broker queued for the agent's persistent session while it was
      // down, drained after a restart. Only the broker's delivery to one subscriber competes with
      // the agent here, so this shows what the agent itself can ingest.
      destroy(agent);
      publish(mqttPort, n, 100);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("agent.log").toFile()));
      long r0 = System.nanoTime();
      agent = pb.start();
      long first = 0;
      long storedAtFirst = 0;
      long drained = 0;
      while (System.nanoTime() - r0 < TimeUnit.SECONDS.toNanos(300) && agent.isAlive()) {
        try {
          long storedNow = stored(httpPort);
          if (first == 0 && storedNow > 0) {
            first = System.nanoTime();
            storedAtFirst = storedNow;
          }
          if (storedNow >= n) {
            drained = System.nanoTime();
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(10);
      }
      long drainCpu = cpuMicros(agent.pid());
      rows.add(
          row(
              "backlog: readings queued by the broker while the agent was down",
              "%.0f",
              (double) n,
              ""));
      rows.add(
          row(
              "... restart to the first reading stored (JVM start, store, 520 devices announced)",
              "%.0f ms",
              first == 0 ? Double.NaN : (first - r0) / 1e6,
              ""));
      rows.add(
          row(
              "... then drained at (stored, rules on, ack after commit)",
              "%.0f readings/s",
              drained == 0 ? Double.NaN : (n - storedAtFirst) / ((drained - first) / 1e9),
              ""));
      rows.add(
          row(
              "... agent CPU per reading (the whole restart included)",
              "%.1f us",
              (double) drainCpu / n,
              ""));
    } finally {
      destroy(sub);
      destroy(agent);
      destroy(mosquitto);
    }
    StringBuilder md = new StringBuilder();
    md.append("| measure | result | target |\n| --- | --- | --- |\n");
    for (String[] r : rows) {
      md.append("| ")
          .append(r[0])
          .append(" | ")
          .append(r[1])
          .append(" | ")
          .append(r[2])
          .append(" |\n");
    }
    System.out.print(md);
    System.out.println();
    System.out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ", Java "
            + System.getProperty("java.version")
            + ", at "
            + Instant.now());
    System.out.println("work dir (logs): " + work);
  }

  private static String[] row(String what, String fmt, double v, String target) {
    return new String[] {what, String.format(Locale.ROOT, fmt, v), target};
  }

  /** CPU time (user + system, all threads) a process has used so far, in microseconds. */
  private static long cpuMicros(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(d -> d.toNanos() / 1000)
        .orElse(0L);
  }

  private static double pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static long sumRejected(JsonNode st) {
    long sum = 0;
    for (JsonNode v : st.path("readings").path("rejected")) {
      sum += v.asLong();
    }
    return sum;
  }

  /** Publishes n readings from 100 devices as fast as QoS 1 with a window of 1,000 allows. */
  static void publish(int port, int n, int devices) {
    long seqBase = System.currentTimeMillis() * 1000;
    try {
      RawPublisher.publish(
          "127.0.0.1",
          port,
          "bench-pub",
          "dht11/sensor/data",
          n,
          i ->
              ("{\"device_id\":\"bench-"
                      + (i % devices)
                      + "\",\"seq\":"
                      + (seqBase + i)
                      + ",\"temperature\":21.5,\"humidity\":45.0,\"source\":\"bench\"}")
                  .getBytes(StandardCharsets.UTF_8),
          1000);
    } catch (IOException e) {
      throw new IllegalStateException("publisher failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Readings at {@code rate}/s; every 50th one is a new device above the limit (an alert). */
  static void publishWithCrossings(
      String broker, int n, int rate, Map<String, Long> sentAt, Map<String, Long> sentAtWall)
      throws Exception {
    MqttAsyncClient c = client(broker, "bench-lat");
    Semaphore window = new Semaphore(1000);
    IMqttActionListener release = releaser(window);
    long next = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    long runId = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      boolean crossing = i % 50 == 25;
      String device = crossing ? "hot-" + runId + "-" + i : "calm-" + (i % 20);
      String p =
          "{\"device_id\":\""
              + device
              + "\",\"seq\":"
              + (runId * 1000 + i)
              + ",\"temperature\":"
              + (crossing ? "35.0" : "21.0")
              + ",\"humidity\":45.0}";
      window.acquire();
      MqttMessage m = new MqttMessage(p.getBytes(StandardCharsets.UTF_8));
      m.setQos(1);
      if (crossing) {
        sentAt.put(device, System.nanoTime());
        sentAtWall.put(device, System.currentTimeMillis());
      }
      c.publish("dht11/sensor/data", m, null, release);
    }
    window.acquire(1000);
    c.disconnect().waitForCompletion(5_000);
    c.close();
  }

  private static IMqttActionListener releaser(Semaphore window) {
    return new IMqttActionListener() {
      @Override
      public void onSuccess(IMqttToken t) {
        window.release();
      }

      @Override
      public void onFailure(IMqttToken t, Throwable e) {
        window.release();
      }
    };
  }

  private static MqttAsyncClient client(String broker, String id) throws Exception {
    MqttAsyncClient c = new MqttAsyncClient(broker, id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    c.connect(o).waitForCompletion(10_000);
    return c;
  }

  private static boolean connected(int httpPort) {
    try {
      return status(httpPort).path("mqtt").path("connected").asBoolean();
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static long stored(int httpPort) throws IOException, InterruptedException {
    return status(httpPort).path("readings").path("stored").asLong();
  }

  private static JsonNode status(int httpPort) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode n = JSON.readTree(r.body());
    PEAK_HEAP.accumulateAndGet(n.path("jvm").path("heap_used_bytes").asLong(), Math::max);
    return n;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private static void waitForPort(int port) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.shutdownOutput();
        return;
      } catch (IOException e) {
        Thread.sleep(10);
      }
    }
    throw new IllegalStateException("mosquitto did not start on " + port);
  }

  private static void destroy(Process p) {
    if (p != null && p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  /** Samples the agent's peak resident set size from /proc (VmHWM). */
  static final class RssSampler {
    private final long pid;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong peakAnon = new AtomicLong();
    private final AtomicLong peakFile = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    RssSampler(long pid) {
      this.pid = pid;
    }

    void start() {
      thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (running) {
                      sample();
                      LockSupport.parkNanos(200_000_000L);
                    }
                  });
    }

    private void sample() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmHWM:")) {
            peak.accumulateAndGet(kb(line), Math::max);
          } else if (line.startsWith("RssAnon:")) {
            peakAnon.accumulateAndGet(kb(line), Math::max);
          } else if (line.startsWith("RssFile:")) {
            peakFile.accumulateAndGet(kb(line), Math::max);
          }
        }
      } catch (IOException | NumberFormatException e) {
        // the process ended
      }
    }

    void stop() throws InterruptedException {
      sample();
      running = false;
      thread.join();
    }

    long peakKb() {
      return peak.get();
    }

    long peakAnonKb() {
      return peakAnon.get();
    }

    long peakFileKb() {
      return peakFile.get();
    }

    private static long kb(String line) {
      return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
  }
}
