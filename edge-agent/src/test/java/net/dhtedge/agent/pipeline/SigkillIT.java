package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it is writing, twice, and checks that every reading whose
 * future had completed is in the reopened store, and that the aggregates count every stored reading
 * once although their live buckets were in memory when the kills came.
 */
class SigkillIT {

  @TempDir Path dir;

  @Test
  void everyAcknowledgedReadingSurvivesAKillNine() throws Exception {
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    runAndKill(0, 3_000, acked);
    runAndKill(10_000_000, 3_000, acked);
    aggregatesAfterTheKillsMatchTheRawReadings();

    try (Store s = Store.open(StoreOptions.defaults(dir))) {
      Set<Long> stored = storedSeqs(s);
      assertThat(acked).hasSizeGreaterThanOrEqualTo(6_000);
      Set<Long> missing = new HashSet<>(acked);
      missing.removeAll(stored);
      assertThat(missing).as("acknowledged but lost").isEmpty();
      System.out.printf(
          "sigkill: %d acknowledged, %d stored (stored but not yet acknowledged: %d)%n",
          acked.size(), stored.size(), stored.size() - acked.size());
    }
  }

  /**
   * The kills hit while pi-live's minute and hour were live (summed in memory only). Its history
   * must count each stored reading once, before and after those buckets are closed (three hours
   * later every live bucket has expired: the first batch closes them, summing their readings).
   */
  private void aggregatesAfterTheKillsMatchTheRawReadings() {
    MutableClock time = new MutableClock(Instant.now().plus(Duration.ofHours(3)));
    AgentClock later = AgentClock.over(time);
    try (Pipeline p =
        Pipeline.open(
            StoreOptions.defaults(dir), TestRules.classic(), PipelineOptions.defaults(), later)) {
      Store s = p.store();
      Map<Instant, Long> raw = rawCountsPerMinute(s);
      assertThat(raw.values().stream().mapToLong(Long::longValue).sum()).isPositive();
      assertThat(countsPerBucket(s, Step.MINUTE)).isEqualTo(raw);
      long total = raw.values().stream().mapToLong(Long::longValue).sum();
      assertThat(sum(countsPerBucket(s, Step.HOUR))).isEqualTo(total);

      p.submit(new Reading("other", later.instant(), 1L, 20, 50, "gpiod")).join();

      assertThat(countsPerBucket(s, Step.MINUTE)).isEqualTo(raw);
      assertThat(sum(countsPerBucket(s, Step.HOUR))).isEqualTo(total);
    }
  }

  private static Map<Instant, Long> rawCountsPerMinute(Store s) {
    Map<Instant, Long> counts = new TreeMap<>();
    Instant from = Instant.now().minus(Duration.ofHours(1));
    Instant end = Instant.now().plus(Duration.ofHours(1));
    while (true) {
      List<HistoryPoint> page =
          s.readings(KillMain.LIVE_DEVICE, from, end, Step.RAW, Store.MAX_POINTS);
      for (HistoryPoint p : page) {
        counts.merge(p.ts().truncatedTo(ChronoUnit.MINUTES), 1L, Long::sum);
      }
      if (page.size() < Store.MAX_POINTS) {
        return counts;
      }
      from = page.get(page.size() - 1).ts().plusMillis(1);
    }
  }

  private static Map<Instant, Long> countsPerBucket(Store s, Step step) {
    Map<Instant, Long> counts = new TreeMap<>();
    for (HistoryPoint p :
        s.readings(
            KillMain.LIVE_DEVICE,
            Instant.now().minus(Duration.ofHours(2)),
            Instant.now().plus(Duration.ofHours(2)),
            step,
            Store.MAX_POINTS)) {
      counts.put(p.ts(), p.count());
    }
    return counts;
  }

  private static long sum(Map<Instant, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private void runAndKill(long firstSeq, int killAfter, Set<Long> acked) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            KillMain.class.getName(),
            dir.toString(),
            Long.toString(firstSeq));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process child = pb.start();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
      int seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      String line;
      while ((line = in.readLine()) != null) {
        Long seq = ackedSeq(line);
        if (seq != null) {
          acked.add(seq);
          if (++seen == killAfter) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          break;
        }
      }
      // SIGKILL on Linux; through the handle, so the pipe stays open for what is already in it
      child.toHandle().destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      // lines already written before the kill were acknowledged too
      while ((line = in.readLine()) != null) {
        Long seq = ackedSeq(line);
        if (seq != null) {
          acked.add(seq);
        }
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).isEqualTo(137);
  }

  /**
   * The seq of a complete "ok &lt;seq&gt;;" line, else null: the kill can cut the child's last line
   * ("ok 10003" of "ok 10003637;"), which read as another, never acknowledged, seq.
   */
  private static Long ackedSeq(String line) {
    if (!line.startsWith("ok ") || !line.endsWith(";")) {
      return null;
    }
    return Long.parseLong(line.substring(3, line.length() - 1));
  }

  private static Set<Long> storedSeqs(Store s) {
    Set<Long> seqs = new HashSet<>();
    Instant from = KillMain.T0;
    Instant end = KillMain.T0.plusMillis(20_000_000);
    while (true) {
      List<HistoryPoint> page = s.readings("pi-kill", from, end, Step.RAW, Store.MAX_POINTS);
      for (HistoryPoint p : page) {
        seqs.add(p.ts().toEpochMilli() - KillMain.T0.toEpochMilli());
      }
      if (page.size() < Store.MAX_POINTS) {
        return seqs;
      }
      from = page.get(page.size() - 1).ts().plusMillis(1);
    }
  }
}
