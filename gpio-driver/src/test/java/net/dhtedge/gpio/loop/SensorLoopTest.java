package net.dhtedge.gpio.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.sim.Climate;
import net.dhtedge.gpio.sim.SimBackend;
import net.dhtedge.gpio.sim.SimFaults;
import net.dhtedge.gpio.sim.SimOptions;
import net.dhtedge.gpio.sim.StepTrajectory;
import net.dhtedge.gpio.sim.Trajectory;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;

class SensorLoopTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final List<SensorUpdate> updates = new CopyOnWriteArrayList<>();

  private SimOptions sim(DhtModel model, Trajectory t, SimFaults f) {
    return SimOptions.defaults(model).withTrajectory(t).withFaults(f).withClock(clock);
  }

  private SensorLoop loop(SensorOptions o, DhtBackend backend, TestLoopClock lc) {
    SensorLoop l = new SensorLoop(o, backend, lc);
    l.addListener(updates::add);
    return l;
  }

  private SensorOptions.Builder options(DhtModel model) {
    return SensorOptions.builder("porch", model, BackendKind.SIM);
  }

  @Test
  void goodReadsAreDeliveredCountedAndPacedByTheInterval() throws Exception {
    SimOptions so = sim(DhtModel.DHT22, Trajectory.steady(21.44, 48.06), SimFaults.NONE);
    SensorOptions o = options(DhtModel.DHT22).interval(Duration.ofSeconds(5)).sim(so).build();
    TestLoopClock lc = new TestLoopClock(clock, false);
    try (SensorLoop l = loop(o, new SimBackend(so), lc)) {
      for (int i = 0; i < 3; i++) {
        assertThat(l.readOnce()).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
      }
      assertThat(updates)
          .hasSize(3)
          .allSatisfy(u -> assertThat(u).isInstanceOf(SensorUpdate.Good.class));
      SensorUpdate.Good g = (SensorUpdate.Good) updates.get(2);
      assertThat(g.reading().temperature()).isEqualTo(21.4);
      assertThat(g.reading().humidity()).isEqualTo(48.1);
      clock.advance(Duration.ofSeconds(3)); // status 3 s after the last read's time + 5 s
      SensorStatus s = l.status();
      assertThat(s.valid()).isTrue();
      assertThat(s.attempts()).isEqualTo(3);
      assertThat(s.successes()).isEqualTo(3);
      assertThat(s.failureCount()).isZero();
      assertThat(s.lastGoodAge()).isEqualTo(Duration.ofSeconds(8));
    }
  }

  @Test
  void failuresAreCountedByReasonAndRetriedWithBoundedBackoff() throws Exception {
    SimOptions so =
        sim(DhtModel.DHT11, Trajectory.steady(20, 50), SimFaults.parse("no-response=1"));
    SensorOptions o =
        options(DhtModel.DHT11)
            .interval(Duration.ofSeconds(2))
            .maxBackoff(Duration.ofSeconds(10))
            .sim(so)
            .build();
    try (SensorLoop l = loop(o, new SimBackend(so), new TestLoopClock(clock, false))) {
      List<Duration> delays = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        delays.add(l.readOnce());
      }
      assertThat(delays)
          .containsExactly(
              Duration.ofSeconds(2),
              Duration.ofSeconds(4),
              Duration.ofSeconds(8),
              Duration.ofSeconds(10),
              Duration.ofSeconds(10));
      SensorStatus s = l.status();
      assertThat(s.valid()).isFalse();
      assertThat(s.failures().get(FailureReason.NO_RESPONSE)).isEqualTo(5);
      assertThat(s.failureCount()).isEqualTo(5);
      assertThat(s.consecutiveFailures()).isEqualTo(5);
      assertThat(s.lastGood()).isNull();
      assertThat(updates).allSatisfy(u -> assertThat(u).isInstanceOf(SensorUpdate.Invalid.class));
      assertThat(((SensorUpdate.Invalid) updates.get(4)).consecutiveFailures()).isEqualTo(5);
    }
  }

  @Test
  void aGoodReadAfterFailuresClearsTheInvalidStateAndTheBackoff() throws Exception {
    ScriptedBackend b =
        new ScriptedBackend(
            DhtResult.fail(FailureReason.CHECKSUM, "bad checksum"),
            DhtResult.fail(FailureReason.TIMING, "odd pulse"),
            reading(22.0, 40.0));
    SensorOptions o = options(DhtModel.DHT22).build();
    try (SensorLoop l = loop(o, b, new TestLoopClock(clock, false))) {
      l.readOnce();
      assertThat(l.readOnce()).isEqualTo(Duration.ofSeconds(4));
      assertThat(l.status().valid()).isFalse();
      assertThat(l.readOnce()).isEqualTo(Duration.ofSeconds(2));
      SensorStatus s = l.status();
      assertThat(s.valid()).isTrue();
      assertThat(s.consecutiveFailures()).isZero();
      assertThat(s.failures())
          .containsEntry(FailureReason.CHECKSUM, 1L)
          .containsEntry(FailureReason.TIMING, 1L)
          .containsEntry(FailureReason.IO, 0L);
      assertThat(s.lastFailure().reason()).isEqualTo(FailureReason.TIMING);
      assertThat(s.lastGood().temperature()).isEqualTo(22.0);
    }
  }

  @Test
  void theSpikeFilterPassesOnlyRealReadingsAndDropsALoneSpike() throws Exception {
    // The air really jumps for one read (a heater blast at the sensor): 20 -> 35 -> 20 -> 20.
    Trajectory t =
        Trajectory.steps(
            List.of(
                new StepTrajectory.Step(Duration.ZERO, new Climate(20.0, 50.0)),
                new StepTrajectory.Step(Duration.ofSeconds(4), new Climate(35.0, 20.0)),
                new StepTrajectory.Step(Duration.ofSeconds(6), new Climate(20.1, 50.2))));
    SimOptions so = sim(DhtModel.DHT22, t, SimFaults.NONE);
    SensorOptions o = options(DhtModel.DHT22).spikeFilter(true).sim(so).build();
    try (SensorLoop l = loop(o, new SimBackend(so), new TestLoopClock(clock, false))) {
      for (int i = 0; i < 5; i++) {
        l.readOnce();
        clock.advance(Duration.ofSeconds(2));
      }
    }
    List<Double> temps =
        updates.stream().map(u -> ((SensorUpdate.Good) u).reading().temperature()).toList();
    // read 3 (35.0) loses to read 2; read 4 (20.1) lies between 20.0 and the spike but read 2
    // lies closer to both, so read 2 is passed on once more; read 5 confirms 20.1.
    assertThat(temps).containsExactly(20.0, 20.0, 20.0, 20.0, 20.1);
    assertThat(temps).doesNotContain(35.0);
    assertThat(updates.stream().filter(u -> ((SensorUpdate.Good) u).filtered()).count())
        .isEqualTo(2);
    SensorUpdate.Good third = (SensorUpdate.Good) updates.get(2);
    assertThat(third.measuredAt())
        .as("the passed-on reading keeps its own time")
        .isBefore(clock.instant().minusSeconds(4));
  }

  @Test
  void theLoopRunsOnItsOwnThreadAndClosingTwiceIsSafe() {
    SimOptions so = sim(DhtModel.DHT11, Trajectory.steady(20, 50), SimFaults.NONE);
    SensorOptions o = options(DhtModel.DHT11).interval(Duration.ofSeconds(1)).sim(so).build();
    TestLoopClock lc = new TestLoopClock(clock, true);
    SimBackend backend = new SimBackend(so);
    SensorLoop l = loop(o, backend, lc);
    l.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 1);
    lc.allowRounds(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 3);
    assertThat(l.status().running()).isTrue();
    assertThat(lc.sleeps).allSatisfy(d -> assertThat(d).isEqualTo(Duration.ofSeconds(1)));
    l.close();
    l.close();
    assertThat(l.status().running()).isFalse();
    assertThatThrownBy(backend::read).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aWallClockSetBackAnHourDuringAReadDoesNotStopTheLoopForAnHour() {
    SimOptions so = sim(DhtModel.DHT11, Trajectory.steady(20, 50), SimFaults.NONE);
    SensorOptions o = options(DhtModel.DHT11).interval(Duration.ofSeconds(1)).sim(so).build();
    TestLoopClock lc = new TestLoopClock(clock, true);
    SimBackend sim = new SimBackend(so);
    DhtBackend stepping =
        new DhtBackend() {
          @Override
          public DhtResult read() throws InterruptedException {
            DhtResult r = sim.read();
            if (lc.sleeps.isEmpty()) {
              lc.stepWall(Duration.ofHours(-1)); // NTP sets the clock back while we read
            }
            return r;
          }

          @Override
          public String describe() {
            return sim.describe();
          }

          @Override
          public void close() {
            sim.close();
          }
        };
    try (SensorLoop l = loop(o, stepping, lc)) {
      l.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> lc.sleeps.size() == 1);
      lc.allowRounds(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> updates.size() == 2);

      assertThat(lc.sleeps.get(0)).isEqualTo(Duration.ofSeconds(1));
      assertThat(l.status().lastGoodAge().isNegative()).isFalse();
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheOthers() throws Exception {
    SensorOptions o = options(DhtModel.DHT22).build();
    try (SensorLoop l =
        new SensorLoop(o, new ScriptedBackend(reading(1, 2)), new TestLoopClock(clock, false))) {
      l.addListener(
          u -> {
            throw new IllegalStateException("boom");
          });
      l.addListener(updates::add);
      l.readOnce();
    }
    assertThat(updates).hasSize(1);
  }

  @Test
  void aBackendThatThrowsIsCountedAsAnIoFailureNotACrash() throws Exception {
    DhtBackend broken =
        new ScriptedBackend() {
          @Override
          public DhtResult read() {
            throw new IllegalStateException("driver bug");
          }
        };
    try (SensorLoop l =
        loop(options(DhtModel.DHT22).build(), broken, new TestLoopClock(clock, false))) {
      l.readOnce();
      assertThat(l.status().failures().get(FailureReason.IO)).isEqualTo(1);
    }
  }

  @Test
  void theLoopOpensGpiodLazilyAndReportsAMissingChipAsAnAccessFailure() throws Exception {
    SensorOptions o =
        SensorOptions.builder("shed", DhtModel.DHT22, BackendKind.GPIOD)
            .chip("gpiochip9")
            .pin(4)
            .build();
    try (SensorLoop l =
        new SensorLoop(o, DhtBackends.openLazily(o), new TestLoopClock(clock, false))) {
      l.addListener(updates::add);
      l.readOnce();
    }
    assertThat(updates)
        .singleElement()
        .isInstanceOfSatisfying(
            SensorUpdate.Invalid.class,
            u -> {
              assertThat(u.reason()).isEqualTo(FailureReason.ACCESS);
              assertThat(u.detail()).startsWith("cannot open /dev/gpiochip9: no such device");
            });
  }

  static DhtResult.Reading reading(double t, double rh) {
    return new DhtResult.Reading(DhtModel.DHT22, new int[] {0, 0, 0, 0, 0}, rh, t);
  }

  /** A backend that returns prepared results (for loop logic that does not need a wire). */
  static class ScriptedBackend implements DhtBackend {
    private final DhtResult[] results;
    private int next;

    ScriptedBackend(DhtResult... results) {
      this.results = results;
    }

    @Override
    public DhtResult read() {
      return results[next++ % results.length];
    }

    @Override
    public String describe() {
      return "scripted";
    }

    @Override
    public void close() {}
  }
}
