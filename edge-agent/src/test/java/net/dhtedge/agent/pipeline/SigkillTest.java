package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it is writing, twice, and checks that every reading whose
 * future had completed is in the reopened store.
 */
class SigkillTest {

  @TempDir Path dir;

  @Test
  void everyAcknowledgedReadingSurvivesAKillNine() throws Exception {
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    runAndKill(0, 3_000, acked);
    runAndKill(10_000_000, 3_000, acked);

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
        if (line.startsWith("ok ")) {
          acked.add(Long.parseLong(line.substring(3)));
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
        if (line.startsWith("ok ")) {
          acked.add(Long.parseLong(line.substring(3)));
        }
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).isEqualTo(137);
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
