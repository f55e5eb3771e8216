package net.dhtedge.agent.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.store.StoreTarget;

/**
 * Throughput of the whole pipeline (dedup, store, aggregates, rules, outbox) on a real HSQLDB file
 * database with the log synced on every commit. Not a test: run it by hand, e.g.
 *
 * <pre>
 * mvn -q -Pbench -pl edge-agent -am test-compile
 * java -cp "edge-agent/target/test-classes:edge-agent/target/classes:$(cat cp.txt)" \
 *     net.dhtedge.agent.pipeline.PipelineBenchmark [readings] [devices] [source] \
 *     [outstanding submits] [commit window ms] [ts: past|now]
 * </pre>
 *
 * <p>{@code ts past} (the default): readings carry timestamps one second apart per device from a
 * fixed day in the past, so every aggregate update is a late one, merged into the tables in each
 * commit. {@code ts now}: readings are stamped with the clock as they are submitted, as MQTT
 * readings without a ts are, so they fall into each device's live bucket ({@code LiveAggregates}).
 *
 * <p>On PostgreSQL instead of HSQLDB: {@code -Dbench.pg=jdbc:postgresql://HOST:PORT} with {@code
 * -Dbench.pg.user=... -Dbench.pg.password=...}; each run creates a database of its own there
 * ({@code bench_<n>}, left behind for a look).
 */
public final class PipelineBenchmark {

  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String source = args.length > 2 ? args[2] : "gpiod";
    int outstanding = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
    int commitWindow = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    boolean now = args.length > 5 && args[5].equals("now");
    Path dir = Files.createTempDirectory("pipeline-bench");
    try {
      run(dir, 20_000, devices, source, outstanding, commitWindow, now); // warm-up
      run(
          Files.createTempDirectory(dir, "run"),
          n,
          devices,
          source,
          outstanding,
          commitWindow,
          now);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int runs;

  /** The embedded HSQLDB, or a new database on the PostgreSQL server of {@code -Dbench.pg}. */
  private static StoreTarget target() throws SQLException {
    String server = System.getProperty("bench.pg");
    if (server == null) {
      return StoreTarget.embedded();
    }
    String user = System.getProperty("bench.pg.user", "edge");
    String password = System.getProperty("bench.pg.password", "");
    String db = "bench_" + System.currentTimeMillis() + "_" + (++runs);
    try (Connection c = DriverManager.getConnection(server + "/postgres", user, password);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    return StoreTarget.of(server + "/" + db, user, () -> password);
  }

  private static void run(
      Path dir, int n, int devices, String source, int outstanding, int commitWindow, boolean now)
      throws Exception {
    Instant t0 = Instant.parse("2026-11-27T00:00:00Z");
    AgentClock clock = AgentClock.system();
    StoreOptions so = Records.with(StoreOptions.defaults(dir), "commitWindowMillis", commitWindow);
    try (Pipeline p =
        Pipeline.open(
            Store.open(so, target(), clock),
            TestRules.classic(),
            PipelineOptions.defaults(),
            clock)) {
      Semaphore window = new Semaphore(outstanding);
      long start = System.nanoTime();
      CompletableFuture<?> last = null;
      for (int i = 0; i < n; i++) {
        window.acquire();
        int dev = i % devices;
        long seq = i / devices;
        // 10..35 °C: crosses the default 30 °C maximum, so incidents open and resolve
        double t = 10 + (seq % 250) / 10.0;
        last =
            p.submit(
                    new Reading(
                        "dev-" + dev,
                        now ? clock.instant() : t0.plusSeconds(seq),
                        seq,
                        t,
                        50,
                        source))
                .whenComplete((o, e) -> window.release());
      }
      last.join();
      window.acquire(outstanding);
      double secs = (System.nanoTime() - start) / 1e9;
      long[] b = p.store().batchStats();
      PipelineCounters c = p.counters();
      System.out.printf(
          "%d readings (%d devices, source %s, %d outstanding, window %d ms) in %.2f s: %.0f readings/s; batches %d, avg %.0f,"
              + " max %d; stored %d, failures %d, outbox %d, incidents open %d, db %d MB%n",
          n,
          devices,
          source,
          outstanding,
          commitWindow,
          secs,
          n / secs,
          b[0],
          b[1] / (double) b[0],
          b[2],
          c.stored(),
          c.storeFailures(),
          c.outboxDepth(),
          c.incidentsOpen(),
          p.store().sizeOnDisk() >> 20);
    }
  }
}
