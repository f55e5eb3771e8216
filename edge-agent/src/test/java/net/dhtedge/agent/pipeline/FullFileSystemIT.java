package net.dhtedge.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.store.Dialect;
import net.dhtedge.agent.store.DiskReserve;
import net.dhtedge.agent.store.HistoryPoint;
import net.dhtedge.agent.store.Step;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreHealth;
import net.dhtedge.agent.store.StoreOptions;
import net.dhtedge.agent.testing.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real, small, full file system: a tmpfs this test mounts (skipped, with the reason,
 * where mounting is not allowed). Fills it with fallocate as another process would.
 */
class FullFileSystemIT {

  static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

  @TempDir Path dir;
  Tmpfs disk;

  @BeforeEach
  void mount() {
    String why = Tmpfs.whyNotMountable(dir.resolve("probe"));
    assumeTrue(why == null, "needs a tmpfs mount (root or CAP_SYS_ADMIN): " + why);
    disk = Tmpfs.mount(dir.resolve("disk"), 8L << 20);
  }

  @AfterEach
  void unmount() {
    if (disk != null) {
      disk.release();
      disk.close();
    }
  }

  @Test
  void anEightMegabytePartitionStoresReadingsWithAReserveThatFitsIt() {
    StoreOptions so = StoreOptions.defaults(disk.dir().resolve("data"));
    try (Pipeline p = open(so)) {
      List<CompletableFuture<ReadingIntake.Outcome>> fs = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        fs.add(p.submit(reading(i)));
      }
      fs.forEach(CompletableFuture::join);
      StoreHealth h = p.store().health();
      assertThat(h.healthy()).isTrue();
      assertThat(h.disk().totalBytes()).isEqualTo(8L << 20);
      assertThat(h.disk().reserveBytes()).isEqualTo(1L << 20); // 5 % of 8 MB is below the floor
      assertThat(p.store().counts().readingsKept()).isEqualTo(5_000);
      // the writer checkpointed (the log passed 1 MiB, a tenth of 8 MB): the devices table, a
      // memory table, is in the script file only after a checkpoint
      assertThat(so.dbDir().resolve("agent.script")).content().contains("INSERT INTO DEVICES");
      assertThat(so.dbDir().resolve("agent.log").toFile().length()).isLessThan(2L << 20);
    }
  }

  @Test
  void aFullPartitionRefusesWritesSaysWhyAndRecoversWhenSpaceReturns() throws Exception {
    StoreOptions so = StoreOptions.defaults(disk.dir().resolve("data"));
    try (Pipeline p = open(so)) {
      p.submit(reading(0)).join();
      disk.fill();

      assertThat(p.submit(reading(1))).failsWithin(10, TimeUnit.SECONDS);
      StoreHealth h = p.store().health();
      assertThat(h.healthy()).isFalse();
      assertThat(h.lastError()).contains("disk full").contains("below the reserve of 1.0 MiB");
      assertThat(p.counters().storeHealthy()).isFalse();

      disk.release();
      p.submit(reading(2)).get(10, TimeUnit.SECONDS);
      assertThat(p.store().health().healthy()).isTrue();
      assertThat(p.store().counts().readingsKept()).isEqualTo(2);
    }
  }

  /**
   * No reserve: HSQLDB itself meets the full disk, in the middle of commits, again and again. Every
   * reading whose future completed must be in the store after a crash and a reopen; the store must
   * have noticed the failed log writes (else the test proves nothing) and written again once space
   * returned.
   */
  @Test
  void aLogWriteOnAFullDiskIsNeverAcknowledgedAndNothingAcknowledgedIsLost() throws Exception {
    StoreOptions so =
        Records.with(
            StoreOptions.defaults(disk.dir().resolve("data")), "diskReserve", DiskReserve.fixed(0));
    Set<Long> acked = new HashSet<>();
    boolean logFailureSeen = false;
    long seq = 0;
    Pipeline p = open(so);
    try {
      for (int round = 0; round < 6; round++) {
        List<CompletableFuture<ReadingIntake.Outcome>> fs = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 3_000; i++, seq++) {
          fs.add(p.submit(reading(seq)));
          seqs.add(seq);
          if (i == 1_000 + 300 * round) {
            disk.fill(); // while batches are being written
          }
        }
        for (int i = 0; i < fs.size(); i++) {
          try {
            fs.get(i).get(60, TimeUnit.SECONDS);
            acked.add(seqs.get(i));
          } catch (ExecutionException e) {
            logFailureSeen |=
                String.valueOf(e.getCause().getMessage()).contains("log write failed");
          }
        }
        disk.release();
        storeAgain(p, seq);
        acked.add(seq++);
      }
    } finally {
      crash(so);
      p.close();
    }
    assertThat(logFailureSeen).as("HSQLDB hit the full disk in a log write at least once").isTrue();

    try (Store s = Store.open(so)) {
      Set<Long> stored = storedSeqs(s);
      Set<Long> lost = new HashSet<>(acked);
      lost.removeAll(stored);
      assertThat(lost).as("acknowledged, then lost").isEmpty();
      assertThat(s.counts().readingsKept()).isEqualTo(stored.size());
    }
  }

  /**
   * Space is back: the store writes again within seconds (it reopens the database from its files at
   * most once a second; a reading refused meanwhile is sent again, as MQTT would).
   */
  private static void storeAgain(Pipeline p, long seq) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        p.submit(reading(seq)).get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** HSQLDB's SHUTDOWN IMMEDIATELY: the files stay as a crash leaves them. */
  private static void crash(StoreOptions so) throws Exception {
    Dialect d = Dialect.hsqldb();
    try (Connection c =
            DriverManager.getConnection(d.jdbcUrl(so.dbDir()), d.connectionProperties());
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN IMMEDIATELY");
    }
  }

  private static Set<Long> storedSeqs(Store s) {
    Set<Long> seqs = new HashSet<>();
    Instant from = T0;
    while (true) {
      List<HistoryPoint> page =
          s.readings("pi", from, T0.plusSeconds(86_400), Step.RAW, Store.MAX_POINTS);
      for (HistoryPoint p : page) {
        seqs.add(p.ts().toEpochMilli() - T0.toEpochMilli());
      }
      if (page.size() < Store.MAX_POINTS) {
        return seqs;
      }
      from = page.get(page.size() - 1).ts().plusMillis(1);
    }
  }

  private static Reading reading(long seq) {
    return new Reading("pi", T0.plusMillis(seq), seq, 20, 50, "gpiod");
  }

  private static Pipeline open(StoreOptions so) {
    return Pipeline.open(so, TestRules.classic(), PipelineOptions.defaults(), AgentClock.system());
  }
}
