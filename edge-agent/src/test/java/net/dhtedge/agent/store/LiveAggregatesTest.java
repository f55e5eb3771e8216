package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.testing.Writes;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket each device is filling now is summed in memory and written once when it closes ({@link
 * LiveAggregates}); history still shows it, and a restart, a rolled-back batch or a device going
 * quiet loses nothing of it.
 */
class LiveAggregatesTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path dir;
  final MutableClock time = new MutableClock(T0.plusSeconds(30));
  final AgentClock clock = AgentClock.over(time);

  Store open() {
    return Store.open(StoreOptions.defaults(dir), clock);
  }

  static Reading reading(Instant ts, long seq, double t, double h) {
    return new Reading("d", ts, seq, t, h, "sim");
  }

  /** Stores the readings in one job and waits for the commit. */
  static void store(Store s, Reading... rs) {
    Writes.write(
        s,
        tx -> {
          for (Reading r : rs) {
            Tx.Key k = tx.dedup(r);
            if (k != Tx.Key.DUPLICATE) {
              tx.insertReading(r, r.ts(), k);
            }
          }
        });
  }

  /** Device d's rows of an aggregate table: {bucket - T0 in s, n, t_min, t_max, t_sum}. */
  static List<List<Double>> rows(Store s, String table) {
    return s.query(
        c -> {
          List<List<Double>> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT bucket, n, t_min, t_max, t_sum FROM "
                          + table
                          + " WHERE device = (SELECT id FROM devices WHERE device_id = 'd')"
                          + " ORDER BY bucket");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  List.of(
                      (rs.getLong(1) - T0.toEpochMilli()) / 1000.0,
                      (double) rs.getLong(2),
                      rs.getDouble(3),
                      rs.getDouble(4),
                      rs.getDouble(5)));
            }
          }
          return out;
        });
  }

  static List<HistoryPoint> minutes(Store s) {
    return s.readings("d", T0.minusSeconds(3600), T0.plusSeconds(7200), Step.MINUTE, 100);
  }

  @Test
  void theMinuteBeingFilledIsShownFromRawReadingsAndWrittenOnceWhenTheNextBegins() {
    try (Store s = open()) {
      store(s, reading(T0.plusSeconds(1), 1, 20, 40));
      store(s, reading(T0.plusSeconds(20), 2, 22, 50));
      store(s, reading(T0.plusSeconds(59), 3, 24, 60));

      assertThat(rows(s, "agg_1m")).isEmpty();
      assertThat(minutes(s))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.ts()).isEqualTo(T0);
                assertThat(p.count()).isEqualTo(3);
                assertThat(p.temperatureMin()).isEqualTo(20);
                assertThat(p.temperatureMax()).isEqualTo(24);
                assertThat(p.temperatureAvg()).isEqualTo(22);
                assertThat(p.humidityAvg()).isEqualTo(50);
              });

      time.set(T0.plusSeconds(61));
      store(s, reading(T0.plusSeconds(61), 4, 30, 70));

      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 3.0, 20.0, 24.0, 66.0));
      List<HistoryPoint> m = minutes(s);
      assertThat(m).extracting(HistoryPoint::count).containsExactly(3L, 1L);
      assertThat(m.get(1).ts()).isEqualTo(T0.plusSeconds(60));
      // the hour is still being filled: no row yet, but the history has all four readings
      assertThat(rows(s, "agg_1h")).isEmpty();
      assertThat(s.readings("d", T0, T0.plusSeconds(3600), Step.HOUR, 10))
          .singleElement()
          .satisfies(p -> assertThat(p.count()).isEqualTo(4));
    }
  }

  @Test
  void aLateReadingForAClosedMinuteUpdatesItsRow() {
    try (Store s = open()) {
      store(s, reading(T0.plusSeconds(1), 1, 20, 40));
      time.set(T0.plusSeconds(70));
      store(s, reading(T0.plusSeconds(70), 2, 30, 40));
      store(s, reading(T0.plusSeconds(30), 3, 10, 40)); // late, into minute 0

      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 2.0, 10.0, 20.0, 30.0));
      assertThat(minutes(s)).extracting(HistoryPoint::count).containsExactly(2L, 1L);
    }
  }

  @Test
  void aCleanStopWritesTheLiveBucketsAndTheNextStartTakesThemOver() {
    try (Store s = open()) {
      store(s, reading(T0.plusSeconds(1), 1, 20, 40), reading(T0.plusSeconds(2), 2, 26, 40));
    }
    try (Store s = open()) {
      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 2.0, 20.0, 26.0, 46.0));
      assertThat(rows(s, "agg_1h")).containsExactly(List.of(0.0, 2.0, 20.0, 26.0, 46.0));
      store(s, reading(T0.plusSeconds(3), 3, 14, 40));

      assertThat(rows(s, "agg_1m")).isEmpty(); // live again
      assertThat(minutes(s)).singleElement().satisfies(p -> assertThat(p.count()).isEqualTo(3));
      time.set(T0.plusSeconds(90));
      store(s, reading(T0.plusSeconds(90), 4, 30, 40));
      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 3.0, 14.0, 26.0, 60.0));
    }
  }

  /**
   * What a kill leaves (SigkillIT does it for real): the buckets marked live from {@code t0}, no
   * aggregate rows.
   */
  void leaveAsAKillWould(long t0) throws SQLException {
    HsqldbDialect d = new HsqldbDialect();
    try (Connection c =
            DriverManager.getConnection(
                d.jdbcUrl(StoreOptions.defaults(dir).dbDir()), d.connectionProperties());
        Statement st = c.createStatement()) {
      st.execute("UPDATE devices SET agg_1m_live = " + t0 + ", agg_1h_live = " + t0);
      st.execute("DELETE FROM agg_1m");
      st.execute("DELETE FROM agg_1h");
      st.execute("SHUTDOWN");
    }
  }

  @Test
  void afterACrashTheLiveBucketIsSummedAgainFromItsRawReadings() throws SQLException {
    try (Store s = open()) {
      store(s, reading(T0.plusSeconds(1), 1, 20, 40), reading(T0.plusSeconds(2), 2, 26, 40));
    }
    leaveAsAKillWould(T0.toEpochMilli());
    try (Store s = open()) {
      assertThat(minutes(s)).singleElement().satisfies(p -> assertThat(p.count()).isEqualTo(2));
      store(s, reading(T0.plusSeconds(3), 3, 14, 40));
      time.set(T0.plusSeconds(90));
      store(s, reading(T0.plusSeconds(90), 4, 30, 40));

      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 3.0, 14.0, 26.0, 60.0));
      assertThat(minutes(s)).extracting(HistoryPoint::count).containsExactly(3L, 1L);
    }
  }

  @Test
  void aRolledBackBatchLeavesTheLiveBucketAsItWas() {
    try (Store s = open()) {
      store(s, reading(T0.plusSeconds(1), 1, 20, 40));
      time.set(T0.plusSeconds(61));
      CompletableFuture<Void> failed = new CompletableFuture<>();
      s.submit(
          new WriteJob() {
            @Override
            public void apply(Tx tx) throws SQLException {
              Reading r = reading(T0.plusSeconds(61), 2, 30, 40);
              tx.insertReading(r, r.ts(), tx.dedup(r)); // closes minute 0 in this batch ...
              throw new SQLException("disk on fire"); // ... which is rolled back
            }

            @Override
            public void committed() {
              failed.complete(null);
            }

            @Override
            public void failed(Throwable cause) {
              failed.completeExceptionally(cause);
            }
          });
      assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class);

      assertThat(rows(s, "agg_1m")).isEmpty();
      store(s, reading(T0.plusSeconds(2), 3, 10, 40)); // minute 0 is still the live one
      store(s, reading(T0.plusSeconds(62), 4, 30, 40));
      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 2.0, 10.0, 20.0, 30.0));
    }
  }

  @Test
  void aQuietDeviceHasItsBucketsWrittenByTheNextBatchOfAnyone() {
    try (Store s = open()) {
      store(s, reading(T0.plusSeconds(1), 1, 20, 40));
      time.set(T0.plusSeconds(180));
      store(s, new Reading("other", T0.plusSeconds(180), 1L, 21, 40, "sim"));
      assertThat(rows(s, "agg_1m")).containsExactly(List.of(0.0, 1.0, 20.0, 20.0, 20.0));
      assertThat(rows(s, "agg_1h")).isEmpty();

      time.set(T0.plus(Duration.ofHours(2)).plusSeconds(10));
      store(s, new Reading("other", clock.instant(), 2L, 21, 40, "sim"));
      assertThat(rows(s, "agg_1h")).containsExactly(List.of(0.0, 1.0, 20.0, 20.0, 20.0));
      assertThat(s.readings("d", T0, T0.plusSeconds(7200), Step.HOUR, 10))
          .singleElement()
          .satisfies(p -> assertThat(p.count()).isEqualTo(1));
    }
  }

  @Test
  void aBucketWrittenBeforeItWentLiveIsTakenOverNotCountedTwice() {
    try (Store s = open()) {
      // a device clock 5 minutes ahead: too far for its bucket to go live, written to the table
      Instant ahead = T0.plusSeconds(300);
      store(s, reading(ahead.plusSeconds(1), 1, 20, 40));
      assertThat(rows(s, "agg_1m")).containsExactly(List.of(300.0, 1.0, 20.0, 20.0, 20.0));

      time.set(ahead.plusSeconds(5)); // now that minute is the current one
      store(s, reading(ahead.plusSeconds(5), 2, 30, 40));

      assertThat(rows(s, "agg_1m")).isEmpty();
      assertThat(s.readings("d", ahead, ahead.plusSeconds(60), Step.MINUTE, 10))
          .singleElement()
          .satisfies(p -> assertThat(p.count()).isEqualTo(2));
      time.set(ahead.plusSeconds(65));
      store(s, reading(ahead.plusSeconds(65), 3, 30, 40));
      assertThat(rows(s, "agg_1m")).containsExactly(List.of(300.0, 2.0, 20.0, 30.0, 50.0));
    }
  }
}
