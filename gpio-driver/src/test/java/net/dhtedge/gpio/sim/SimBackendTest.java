package net.dhtedge.gpio.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;

class SimBackendTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private SimBackend sim(DhtModel model, Trajectory t, SimFaults f, long seed) {
    return new SimBackend(
        SimOptions.defaults(model).withTrajectory(t).withFaults(f).withSeed(seed).withClock(clock));
  }

  @Test
  void aCleanSimulatedSensorDecodesToExactlyWhatItSentOverADay() {
    for (DhtModel model : DhtModel.values()) {
      for (long seed = 1; seed <= 5; seed++) {
        SimBackend s = sim(model, Trajectory.dailySine(18, 6, 50, 15), SimFaults.NONE, seed);
        for (int i = 0; i < 48; i++) {
          DhtResult r = s.read();
          SimBackend.Sent sent = s.lastSent();
          assertThat(r)
              .as(model + " seed " + seed + " read " + i)
              .isInstanceOf(DhtResult.Reading.class);
          DhtResult.Reading v = (DhtResult.Reading) r;
          assertThat(v.bytes()).containsExactly(sent.bytes());
          assertThat(v.temperature()).isEqualTo(sent.value().temperature());
          assertThat(v.humidity()).isEqualTo(sent.value().humidity());
          clock.advance(Duration.ofMinutes(30));
        }
      }
    }
  }

  @Test
  void theValueFollowsTheTrajectoryQuantisedAsTheModelsBytes() {
    Trajectory t =
        Trajectory.steps(
            List.of(
                new StepTrajectory.Step(Duration.ZERO, new Climate(21.46, 40.04)),
                new StepTrajectory.Step(Duration.ofSeconds(10), new Climate(-3.25, 88.88))));
    SimBackend dht22 = sim(DhtModel.DHT22, t, SimFaults.NONE, 3);
    DhtResult.Reading a = (DhtResult.Reading) dht22.read();
    assertThat(a.temperature()).isEqualTo(21.5);
    assertThat(a.humidity()).isEqualTo(40.0);
    clock.advance(Duration.ofSeconds(10));
    DhtResult.Reading b = (DhtResult.Reading) dht22.read();
    assertThat(b.temperature()).isEqualTo(-3.3);
    assertThat(b.humidity()).isEqualTo(88.9);
    assertThat(b.bytes())
        .containsExactly(0x03, 0x79, 0x80, 0x21, (0x03 + 0x79 + 0x80 + 0x21) & 0xff);
  }

  @Test
  void dht11BytesCarryIntegerAndDecimalWithTheSignInBitSeven() {
    assertThat(DhtFrame.encode(DhtModel.DHT11, new Climate(-4.4, 46.0)))
        .containsExactly(46, 0, 4, 0x84, (46 + 4 + 0x84) & 0xff);
    assertThat(DhtFrame.encode(DhtModel.DHT11, new Climate(22.96, 52.94)))
        .containsExactly(52, 9, 23, 0, (52 + 9 + 23) & 0xff);
    assertThat(DhtFrame.valueOf(DhtModel.DHT11, new int[] {46, 0, 4, 0x84, 182}))
        .isEqualTo(new Climate(-4.4, 46.0));
  }

  @Test
  void aSensorThatNeverAnswersIsReportedAsNoResponse() {
    SimBackend s =
        sim(DhtModel.DHT11, Trajectory.steady(20, 50), SimFaults.parse("no-response=1"), 1);
    DhtResult r = s.read();
    assertThat(s.lastSent().answered()).isFalse();
    assertThat(s.lastEdges().size()).isZero();
    assertThat(r)
        .isInstanceOfSatisfying(
            DhtResult.Failure.class,
            f -> assertThat(f.reason()).isEqualTo(FailureReason.NO_RESPONSE));
  }

  @Test
  void damagedCapturesGiveAFailureOrTheTrueValueNeverAnotherValue() {
    String[] specs = {
      "lost=1", "glitches=0.3", "late=1:400us", "spikes=0.2,jitter=5us", "poll=6us"
    };
    for (String spec : specs) {
      int failures = 0;
      for (long seed = 1; seed <= 40; seed++) {
        SimBackend s =
            sim(DhtModel.DHT22, Trajectory.dailySine(20, 5, 50, 10), SimFaults.parse(spec), seed);
        DhtResult r = s.read();
        if (r instanceof DhtResult.Reading v) {
          assertThat(v.bytes()).as(spec + " seed " + seed).containsExactly(s.lastSent().bytes());
        } else {
          failures++;
        }
        clock.advance(Duration.ofMinutes(7));
      }
      if (spec.equals("lost=1")) {
        assertThat(failures).as("lost edges can never decode").isEqualTo(40);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameEdges() {
    SimFaults f = SimFaults.parse("jitter=2us,glitches=0.05");
    SimBackend a = sim(DhtModel.DHT11, Trajectory.steady(20, 50), f, 42);
    SimBackend b = sim(DhtModel.DHT11, Trajectory.steady(20, 50), f, 42);
    a.read();
    b.read();
    List<Long> ta = new ArrayList<>();
    List<Long> tb = new ArrayList<>();
    for (int i = 0; i < a.lastEdges().size(); i++) {
      ta.add(a.lastEdges().time(i));
    }
    for (int i = 0; i < b.lastEdges().size(); i++) {
      tb.add(b.lastEdges().time(i));
    }
    assertThat(ta).isNotEmpty().isEqualTo(tb);
  }

  @Test
  void aCleanAnswerHas84EdgesStartingWithTheSensorPullingLow() {
    SimBackend s = sim(DhtModel.DHT22, Trajectory.steady(20, 50), SimFaults.NONE, 7);
    s.read();
    assertThat(s.lastEdges().size()).isEqualTo(84);
    assertThat(s.lastEdges().rising(0)).isFalse();
    assertThat(s.lastEdges().rising(83)).isTrue();
  }
}
