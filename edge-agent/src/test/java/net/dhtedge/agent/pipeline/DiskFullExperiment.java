package net.dhtedge.agent.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.store.StoreOptions;

/**
 * A manual experiment on a really full file system (not a test: it needs a small mount). As root:
 *
 * <pre>
 * mkdir /tmp/full && mount -t tmpfs -o size=3m tmpfs /tmp/full && fallocate -l 1200k /tmp/full/filler
 * java -cp ... net.dhtedge.agent.pipeline.DiskFullExperiment write /tmp/full 600000   # reserve in bytes
 * java -cp ... net.dhtedge.agent.pipeline.DiskFullExperiment count /tmp/full
 * umount /tmp/full
 * </pre>
 *
 * "write" submits readings until writes fail, deletes the filler, stores three more, prints how
 * many were acknowledged and halts the JVM without closing anything (like a crash). "count" reopens
 * the store and prints how many readings it holds: it must equal the acknowledged count. With
 * reserve 0 (HSQLDB meets the full disk itself) HSQLDB 2.7.4 lost acknowledged readings.
 */
public final class DiskFullExperiment {

  private DiskFullExperiment() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[1]);
    Path data = root.resolve("data");
    if (args[0].equals("count")) {
      try (Pipeline p = open(data, 0)) {
        System.out.println("store holds " + p.store().counts().readingsKept() + " readings");
      }
      return;
    }
    Pipeline p = open(data, Long.parseLong(args[2]));
    Instant t0 = Instant.parse("2026-11-27T00:00:00Z");
    long seq = 0;
    int acked = 0;
    int failed = 0;
    while (failed == 0 && seq < 1_000_000) {
      List<CompletableFuture<ReadingIntake.Outcome>> fs = new ArrayList<>();
      for (int i = 0; i < 500; i++, seq++) {
        fs.add(p.submit(new Reading("pi", t0.plusMillis(seq), seq, 20, 50, "gpiod")));
      }
      for (var f : fs) {
        try {
          f.get(60, TimeUnit.SECONDS);
          acked++;
        } catch (ExecutionException e) {
          if (failed++ == 0) {
            System.out.println("first failure: " + e.getCause());
          }
        }
      }
    }
    Files.deleteIfExists(root.resolve("filler"));
    for (int i = 0; i < 3; i++, seq++) {
      try {
        p.submit(new Reading("pi", t0.plusMillis(seq), seq, 20, 50, "gpiod"))
            .get(60, TimeUnit.SECONDS);
        acked++;
      } catch (ExecutionException e) {
        System.out.println("after freeing space: " + e.getCause());
      }
    }
    System.out.println("acknowledged " + acked + ", failed " + failed + "; halting");
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static Pipeline open(Path data, long reserve) {
    return Pipeline.open(
        StoreOptions.defaults(data).withMinFreeBytes(reserve),
        RulesOptions.defaults(),
        PipelineOptions.defaults(),
        Clock.systemUTC());
  }
}
