package net.dhtedge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.store.DiskReserve;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import net.dhtedge.agent.testing.Tmpfs;

/**
 * Another process fills the agent's disk while it ingests: one round is the real agent (its own
 * JVM, {@code Main listen}) with its data directory on a tmpfs of its own, a private Mosquitto
 * (persistence on, outside the tmpfs) and a publisher sending {@code devices x perDevice} QoS 1
 * readings. At a random moment of the ingest {@code fallocate} takes every free byte of the tmpfs,
 * holds it for a random 0.3-3 s and lets go; at a random moment of that episode or up to 3 s after
 * it the agent is killed with SIGKILL, then started again until the broker has redelivered
 * everything the agent did not acknowledge. A reading the broker accepted and the reopened store
 * lacks was acknowledged by the agent (else the broker would have redelivered it) and lost.
 *
 * <p>{@link DiskFullUnderIngestIT} runs a few rounds; {@code bin/bench-diskfull} runs many and
 * prints the table of docs/performance.md.
 */
public final class DiskFullRounds {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What one round did and found. */
  public record Round(
      int round,
      int published,
      long storedAtFill,
      long filledBytes,
      long holdMillis,
      long killAfterFillMillis,
      long stored,
      long missing,
      boolean unhealthySeen,
      String note) {

    String row() {
      return String.format(
          Locale.ROOT,
          "| %d | %d | %d | %d kB | %d ms | %d ms | %d | %d | %s | %s |",
          round,
          published,
          storedAtFill,
          filledBytes / 1024,
          holdMillis,
          killAfterFillMillis,
          stored,
          missing,
          unhealthySeen ? "yes" : "no",
          note);
    }
  }

  private final Path work;
  private final long tmpfsBytes;
  private final int devices;
  private final int perDevice;
  private final Random random;

  public DiskFullRounds(Path work, long tmpfsBytes, int devices, int perDevice, long seed) {
    this.work = work;
    this.tmpfsBytes = tmpfsBytes;
    this.devices = devices;
    this.perDevice = perDevice;
    this.random = new Random(seed);
  }

  /** {@code DiskFullRounds [rounds=20] [devices=40] [perDevice=1000] [tmpfsMiB=160] [seed]}. */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int perDevice = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    long mib = args.length > 3 ? Long.parseLong(args[3]) : 160;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : System.nanoTime();
    Path work = Files.createTempDirectory("diskfull-rounds");
    DiskFullRounds r = new DiskFullRounds(work, mib << 20, devices, perDevice, seed);
    System.out.println("seed " + seed + ", work " + work);
    System.out.println(header());
    long lost = 0;
    int roundsWithLoss = 0;
    for (int i = 1; i <= rounds; i++) {
      Round result = r.round(i);
      System.out.println(result.row());
      lost += result.missing();
      roundsWithLoss += result.missing() > 0 ? 1 : 0;
    }
    System.out.printf(
        "%d rounds of %d readings: %d rounds lost acknowledged readings, %d lost in all%n",
        rounds, devices * perDevice, roundsWithLoss, lost);
  }

  static String header() {
    return "| round | published | stored at fill | filled | held | kill after fill |"
        + " stored after restart | acknowledged, missing | unhealthy seen | note |\n"
        + "|---|---|---|---|---|---|---|---|---|---|";
  }

  /** One round in its own tmpfs, broker and agent; everything is cleaned up afterwards. */
  public Round round(int index) throws Exception {
    Path dir = work.resolve("round-" + index);
    Files.createDirectories(dir);
    int total = devices * perDevice;
    try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), tmpfsBytes);
        MosquittoBroker broker =
            MosquittoBroker.builder(dir.resolve("broker"))
                .persistence(true)
                .maxInflight(1000)
                .start()) {
      Path data = disk.dir().resolve("data");
      int httpPort = MosquittoBroker.freePort();
      Path yaml = dir.resolve("agent.yml");
      Files.writeString(
          yaml,
          """
          agent:
            data_dir: %s
            name: gw-diskfull
          mqtt:
            servers: [%s]
            client_id: diskfull-agent
            reconnect_min: 200ms
            reconnect_max: 1s
          http:
            bind: 127.0.0.1
            port: %d
          """
              .formatted(data, broker.url(), httpPort));
      Instant t0 = Instant.now().minus(Duration.ofHours(12)).truncatedTo(ChronoUnit.SECONDS);
      Process agent = startAgent(yaml, dir.resolve("agent-1.log"));
      long storedAtFill;
      long filled;
      long hold = 300 + random.nextInt(2_700);
      long killAfter;
      boolean unhealthy = false;
      Thread publisher;
      AtomicReference<Throwable> publishError = new AtomicReference<>();
      try {
        awaitOnline(agent, httpPort);
        publisher = publish(broker.url(), t0, publishError);
        // the random moment: once a random share (5..85 %) of the readings is stored
        long fillAt = (long) (total * (0.05 + 0.8 * random.nextDouble()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((storedAtFill = kept(httpPort)) < fillAt && System.nanoTime() < deadline) {
          Thread.sleep(random.nextInt(20));
        }
        long fillStart = System.nanoTime();
        filled = disk.fill();
        killAfter = random.nextInt((int) hold + 3_000);
        long releaseAt = fillStart + TimeUnit.MILLISECONDS.toNanos(hold);
        long killAt = fillStart + TimeUnit.MILLISECONDS.toNanos(killAfter);
        boolean released = false;
        while (System.nanoTime() < killAt) {
          if (!released && System.nanoTime() >= releaseAt) {
            disk.release();
            released = true;
          }
          unhealthy |= !healthy(httpPort);
          Thread.sleep(50);
        }
        agent.toHandle().destroyForcibly(); // SIGKILL
        agent.waitFor(30, TimeUnit.SECONDS);
        disk.release();
      } finally {
        agent.destroyForcibly();
      }
      publisher.join(TimeUnit.SECONDS.toMillis(120));
      if (publishError.get() != null) {
        throw new IllegalStateException("publisher failed", publishError.get());
      }

      // restart; the broker redelivers what the killed agent had not acknowledged
      Process again = startAgent(yaml, dir.resolve("agent-2.log"));
      try {
        awaitOnline(again, httpPort);
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
          long now = kept(httpPort);
          if (now >= total) {
            break;
          }
          if (now != last) {
            last = now;
            lastChange = System.nanoTime();
          } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(30)) {
            break; // nothing more is coming
          }
          Thread.sleep(100);
        }
        again.destroy(); // SIGTERM: a clean stop
        if (!again.waitFor(30, TimeUnit.SECONDS)) {
          again.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } finally {
        again.destroyForcibly();
      }
      long stored = countStored(data, t0);
      String note = note(dir);
      return new Round(
          index,
          total,
          storedAtFill,
          filled,
          hold,
          killAfter,
          stored,
          total - stored,
          unhealthy,
          note);
    } finally {
      if (!Boolean.getBoolean("diskfull.keep")) {
        deleteTree(dir);
      }
    }
  }

  private Thread publish(String url, Instant t0, AtomicReference<Throwable> error) {
    List<byte[]> payloads = new ArrayList<>(devices * perDevice);
    for (int seq = 0; seq < perDevice; seq++) {
      for (int d = 0; d < devices; d++) {
        payloads.add(
            ("{\"device_id\":\"disk-%02d\",\"ts\":\"%s\",\"seq\":%d,\"temperature\":21.5,"
                    + "\"humidity\":40}")
                .formatted(d, t0.plusMillis(100L * seq), seq)
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    return Thread.ofPlatform()
        .name("diskfull-publisher")
        .start(
            () -> {
              try (TestClient c = TestClient.connect(url, "diskfull-sender")) {
                c.publishAll("dht11/sensor/data", payloads);
              } catch (Throwable t) {
                error.set(t);
              }
            });
  }

  /** Distinct (device, seq) in the store: each seq has its own ts. */
  private long countStored(Path data, Instant t0) {
    try (Store s =
        Store.open(
            Records.with(StoreOptions.defaults(data), "diskReserve", DiskReserve.fixed(0)))) {
      long n = 0;
      for (int d = 0; d < devices; d++) {
        Set<Instant> seen = new HashSet<>();
        Instant from = t0;
        Instant end = t0.plusMillis(100L * perDevice);
        while (true) {
          List<HistoryPoint> page =
              s.readings("disk-%02d".formatted(d), from, end, Step.RAW, Store.MAX_POINTS);
          for (HistoryPoint p : page) {
            seen.add(p.ts());
          }
          if (page.size() < Store.MAX_POINTS) {
            break;
          }
          from = page.get(page.size() - 1).ts().plusMillis(1);
        }
        n += seen.size();
      }
      return n;
    }
  }

  /** The agent's store errors, briefly, for the table. */
  private static String note(Path dir) throws IOException {
    long logFailures = 0;
    long refusals = 0;
    for (String name : List.of("agent-1.log", "agent-2.log")) {
      Path p = dir.resolve(name);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        if (line.contains("ERROR") && line.contains("log write failed")) {
          logFailures++;
        }
        if (line.contains("store write failed") || line.contains("store writes failing")) {
          refusals++;
        }
      }
    }
    return "failed log writes caught: "
        + logFailures
        + ", store failure episodes logged: "
        + refusals;
  }

  private static Process startAgent(Path yaml, Path log) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "listen",
            "--config",
            yaml.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void awaitOnline(Process agent, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!agent.isAlive()) {
        throw new IllegalStateException("agent exited with " + agent.exitValue());
      }
      try {
        JsonNode s = status(port);
        if (s.path("mqtt").path("connected").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("agent not online within 60 s");
  }

  private static long kept(int port) {
    try {
      return status(port).path("store").path("readings_kept").asLong(-1);
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static boolean healthy(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return true; // no answer says nothing about the store
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static JsonNode status(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
