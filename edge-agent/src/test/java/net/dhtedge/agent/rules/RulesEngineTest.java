package net.dhtedge.agent.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.core.AgentClock.Moment;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.rules.Transition.Change;
import org.junit.jupiter.api.Test;

class RulesEngineTest {

  static final Instant T0 = Instant.parse("2026-11-27T22:00:00Z");

  final AtomicLong ids = new AtomicLong();
  long seq;

  /** The wall clock at {@code t}, with the monotonic clock moving in step with it since T0. */
  static Moment at(Instant t) {
    return new Moment(t, Duration.between(T0, t).toNanos());
  }

  RulesEngine engine(RulesOptions o) {
    return new RulesEngine(o, ids::incrementAndGet);
  }

  RulesOptions tempMax30(int debounce) {
    return Records.with(
        TestRules.classic(),
        "temperature",
        new Threshold(null, 30.0, 0.5),
        "humidity",
        Threshold.none(),
        "debounceCount",
        debounce,
        "debounceDuration",
        Duration.ZERO);
  }

  Reading temp(String dev, double t, Instant ts) {
    return new Reading(dev, ts, seq++, t, 50, "sim");
  }

  List<Transition> feed(RulesEngine e, String dev, double... temps) {
    List<Transition> out = new ArrayList<>();
    for (double t : temps) {
      Instant ts = T0.plusSeconds(seq);
      out.addAll(e.onReading(temp(dev, t, ts), at(ts)));
    }
    return out;
  }

  @Test
  void anIncidentOpensOnlyAfterTheDebounceCountOfConsecutiveViolations() {
    RulesEngine e = engine(tempMax30(3));
    assertThat(feed(e, "d", 31, 31, 29, 31, 31)).isEmpty();
    List<Transition> t = feed(e, "d", 31.2);
    assertThat(t).hasSize(1);
    Transition open = t.get(0);
    assertThat(open.change()).isEqualTo(Change.CREATED);
    assertThat(open.incident().rule()).isEqualTo(Rule.TEMPERATURE_MAX);
    assertThat(open.incident().status()).isEqualTo(IncidentStatus.OPEN);
    assertThat(open.incident().value()).isEqualTo(31.2);
    assertThat(open.incident().threshold()).isEqualTo(30.0);
    assertThat(open.message()).isEqualTo("temperature 31.2 °C above maximum 30.0 °C");
    assertThat(feed(e, "d", 35, 36)).as("one open incident per device and rule").isEmpty();
    assertThat(e.openCount()).isEqualTo(1);
  }

  @Test
  void aDebounceDurationDelaysTheOpeningUntilTheViolationLastedLongEnough() {
    RulesEngine e =
        engine(
            Records.with(
                tempMax30(1), "debounceCount", 1, "debounceDuration", Duration.ofSeconds(10)));
    List<Transition> out = new ArrayList<>();
    for (int s = 0; s <= 10; s += 2) {
      Instant ts = T0.plusSeconds(s);
      out.addAll(e.onReading(temp("d", 31, ts), at(ts)));
      if (s < 10) {
        assertThat(out).as("at %d s", s).isEmpty();
      }
    }
    assertThat(out).hasSize(1);
    assertThat(out.get(0).ts()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void aDebounceTimeRunsOnTheMonotonicClockWhenTheWallClockIsSetBackAnHour() {
    RulesEngine e =
        engine(
            Records.with(
                tempMax30(1), "debounceCount", 1, "debounceDuration", Duration.ofSeconds(10)));
    long s = 1_000_000_000L;
    // The breach begins; 5 s later the wall clock is set back an hour; readings go on every 1 s,
    // stamped with the wall clock as it is.
    assertThat(e.onReading(temp("d", 31, T0), new Moment(T0, 0))).isEmpty();
    Instant back = T0.plusSeconds(5).minus(Duration.ofHours(1));
    List<Transition> out = new ArrayList<>();
    for (int i = 5; i <= 10; i++) {
      Instant wall = back.plusSeconds(i - 5);
      out.addAll(e.onReading(temp("d", 31, wall), new Moment(wall, i * s)));
      if (i < 10) {
        assertThat(out).as("%d s of monotonic time", i).isEmpty();
      }
    }
    assertThat(out).as("opens after 10 s of monotonic time").hasSize(1);
    assertThat(out.get(0).ts()).as("stamped with the wall clock").isEqualTo(back.plusSeconds(5));
  }

  @Test
  void aDebounceTimeIsNotCutShortByAWallClockSetForwardAnHour() {
    RulesEngine e =
        engine(
            Records.with(
                tempMax30(1), "debounceCount", 1, "debounceDuration", Duration.ofSeconds(10)));
    assertThat(e.onReading(temp("d", 31, T0), new Moment(T0, 0))).isEmpty();
    Instant ahead = T0.plus(Duration.ofHours(1));

    assertThat(e.onReading(temp("d", 31, ahead), new Moment(ahead, 2_000_000_000L))).isEmpty();
  }

  @Test
  void theStaleRuleRunsOnTheMonotonicClockWhicheverWayTheWallClockSteps() {
    RulesEngine e = engine(TestRules.classic()); // stale after 150 s
    e.onReading(new Reading("esp", T0, 1L, 20, 50, "mqtt"), new Moment(T0, 0));
    Instant ahead = T0.plus(Duration.ofHours(1));
    assertThat(e.checkStale(new Moment(ahead, 10_000_000_000L)))
        .as("set forward an hour after 10 s: not silent for an hour")
        .isEmpty();
    Instant back = T0.minus(Duration.ofHours(1)).plusSeconds(151);
    assertThat(e.checkStale(new Moment(back, 151_000_000_000L)))
        .as("set back an hour: still stale after 151 s")
        .singleElement()
        .satisfies(t -> assertThat(t.incident().openedAt()).isEqualTo(back));
  }

  @Test
  void anIncidentResolvesOnlyOncePastTheHysteresis() {
    RulesEngine e = engine(tempMax30(1));
    assertThat(feed(e, "d", 31)).hasSize(1);
    assertThat(feed(e, "d", 30.0, 29.8, 29.6)).as("inside the band but within 0.5 of it").isEmpty();
    List<Transition> t = feed(e, "d", 29.5);
    assertThat(t).hasSize(1);
    assertThat(t.get(0).change()).isEqualTo(Change.RESOLVED);
    assertThat(t.get(0).incident().status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(t.get(0).actor()).isEqualTo(Transition.RULES);
    assertThat(t.get(0).value()).isEqualTo(29.5);
    assertThat(t.get(0).message()).isEqualTo("temperature 29.5 °C back below maximum 30.0 °C");
    assertThat(e.openCount()).isZero();
    // a new violation opens a new incident with a new id
    List<Transition> again = feed(e, "d", 30.6);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).incident().id()).isNotEqualTo(t.get(0).incident().id());
  }

  @Test
  void minimumRulesWorkForHumidityToo() {
    RulesEngine e =
        engine(
            Records.with(
                TestRules.classic(),
                "temperature",
                Threshold.none(),
                "humidity",
                new Threshold(20.0, null, 2.0),
                "debounceCount",
                2,
                "debounceDuration",
                Duration.ZERO));
    Instant ts = T0;
    assertThat(e.onReading(new Reading("d", ts, 1L, 20, 19, "sim"), at(ts))).isEmpty();
    List<Transition> open = e.onReading(new Reading("d", ts, 2L, 20, 18.5, "sim"), at(ts));
    assertThat(open)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.incident().rule()).isEqualTo(Rule.HUMIDITY_MIN);
              assertThat(t.message()).isEqualTo("humidity 18.5 %RH below minimum 20.0 %RH");
            });
    assertThat(e.onReading(new Reading("d", ts, 3L, 20, 21.9, "sim"), at(ts))).isEmpty();
    assertThat(e.onReading(new Reading("d", ts, 4L, 20, 22, "sim"), at(ts)))
        .singleElement()
        .extracting(Transition::change)
        .isEqualTo(Change.RESOLVED);
  }

  @Test
  void aPerDeviceOverrideReplacesTheDefaultBandForThatDeviceOnly() {
    RulesOptions o =
        Records.with(
            tempMax30(1),
            "devices",
            Map.of("freezer", new DeviceRules(new Threshold(null, -15.0, 1.0), null, null)));
    RulesEngine e = engine(o);
    assertThat(feed(e, "freezer", -10))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.incident().threshold()).isEqualTo(-15.0);
              assertThat(t.incident().deviceId()).isEqualTo("freezer");
            });
    assertThat(feed(e, "kitchen", -10, 25)).isEmpty();
    assertThat(feed(e, "kitchen", 31)).hasSize(1);
  }

  @Test
  void aSilentDeviceBecomesStaleOnceAndRecoversWithItsNextReading() {
    RulesOptions o = TestRules.classic(); // 30 s x 5 = 150 s
    RulesEngine e = engine(o);
    e.onReading(new Reading("esp", T0, 1L, 20, 50, "mqtt"), at(T0));
    assertThat(e.checkStale(at(T0.plusSeconds(150)))).isEmpty();
    List<Transition> stale = e.checkStale(at(T0.plusSeconds(151)));
    assertThat(stale)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.incident().rule()).isEqualTo(Rule.STALE);
              assertThat(t.incident().value()).isEqualTo(151.0);
              assertThat(t.incident().threshold()).isEqualTo(150.0);
              assertThat(t.message()).isEqualTo("no reading from esp for 151 s (limit 150 s)");
            });
    assertThat(e.checkStale(at(T0.plusSeconds(500)))).isEmpty();
    List<Transition> back =
        e.onReading(
            new Reading("esp", T0.plusSeconds(600), 2L, 20, 50, "mqtt"), at(T0.plusSeconds(600)));
    assertThat(back)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.change()).isEqualTo(Change.RESOLVED);
              assertThat(t.incident().rule()).isEqualTo(Rule.STALE);
            });
  }

  @Test
  void aStaleIncidentResolvedByHandDoesNotReopenUntilTheDeviceReportsAgain() {
    RulesEngine e = engine(TestRules.classic());
    e.load(List.of(), Map.of("esp", T0), at(T0));
    Transition stale = e.checkStale(at(T0.plusSeconds(200))).get(0);
    assertThat(e.resolve(stale.incident().id(), "alice", T0.plusSeconds(210))).isPresent();
    assertThat(e.checkStale(at(T0.plusSeconds(400)))).isEmpty();
  }

  @Test
  void thePerDeviceExpectedIntervalSetsTheStaleLimit() {
    RulesOptions o =
        Records.with(
            TestRules.classic(),
            "devices",
            Map.of("slow", new DeviceRules(null, null, Duration.ofMinutes(10))));
    RulesEngine e = engine(o);
    e.load(List.of(), Map.of("slow", T0, "fast", T0), at(T0));
    assertThat(e.checkStale(at(T0.plusSeconds(600))))
        .extracting(t -> t.incident().deviceId())
        .containsExactly("fast");
    assertThat(e.checkStale(at(T0.plusSeconds(3001))))
        .extracting(t -> t.incident().deviceId())
        .containsExactly("slow");
  }

  @Test
  void tooManyFailedReadsOpenASensorFailureThatResolvesWhenReadsRecover() {
    RulesEngine e = engine(TestRules.classic()); // > 20 % over 5 min, >= 10 attempts
    Instant t = T0;
    List<Transition> out = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      t = t.plusSeconds(2);
      out.addAll(e.onReading(new Reading("pi", t, (long) i, 20, 50, "gpiod"), at(t)));
    }
    t = t.plusSeconds(2);
    out.addAll(e.onFailure("pi", at(t)));
    assertThat(out).as("1 of 9 attempts, under the minimum attempt count").isEmpty();
    for (int i = 0; i < 2; i++) {
      t = t.plusSeconds(2);
      out.addAll(e.onFailure("pi", at(t)));
    }
    assertThat(out)
        .as("3 of 11 = 27 %")
        .singleElement()
        .satisfies(
            tr -> {
              assertThat(tr.incident().rule()).isEqualTo(Rule.SENSOR_FAILURE);
              assertThat(tr.incident().value()).isEqualTo(27.3);
              assertThat(tr.incident().threshold()).isEqualTo(20.0);
              assertThat(tr.message())
                  .isEqualTo("27 % of reads failed over the last 300 s (above 20 %)");
            });
    out.clear();
    // recover: 3 failures stay in the window until they age out or are outweighed
    for (int i = 0; i < 18; i++) {
      t = t.plusSeconds(2);
      out.addAll(e.onReading(new Reading("pi", t, 100L + i, 20, 50, "gpiod"), at(t)));
    }
    assertThat(out).as("3 of 29 = 10.3 %, still above 10 %").isEmpty();
    t = t.plusSeconds(2);
    out.addAll(e.onReading(new Reading("pi", t, 200L, 20, 50, "gpiod"), at(t)));
    assertThat(out).singleElement().extracting(Transition::change).isEqualTo(Change.RESOLVED);
  }

  @Test
  void failuresOutsideTheWindowNoLongerCount() {
    RulesEngine e = engine(TestRules.classic());
    Instant t = T0;
    for (int i = 0; i < 5; i++) {
      e.onFailure("pi", at(t = t.plusSeconds(1)));
    }
    t = t.plus(Duration.ofMinutes(10));
    List<Transition> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      t = t.plusSeconds(2);
      out.addAll(e.onReading(new Reading("pi", t, (long) i, 20, 50, "gpiod"), at(t)));
    }
    out.addAll(e.onFailure("pi", at(t.plusSeconds(1))));
    assertThat(out).as("1 of 11 in the window").isEmpty();
  }

  @Test
  void anIncidentIsAcknowledgedOnceAndThenResolvedByHand() {
    RulesEngine e = engine(tempMax30(1));
    long id = feed(e, "d", 31).get(0).incident().id();
    Instant at = T0.plusSeconds(100);
    Transition ack = e.acknowledge(id, "alice", at).orElseThrow();
    assertThat(ack.change()).isEqualTo(Change.ACKNOWLEDGED);
    assertThat(ack.incident().status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(ack.incident().acknowledgedBy()).isEqualTo("alice");
    assertThat(ack.incident().acknowledgedAt()).isEqualTo(at);
    assertThat(ack.message()).isEqualTo("acknowledged by alice");
    assertThat(e.acknowledge(id, "bob", at)).as("already acknowledged").isEmpty();
    assertThat(feed(e, "d", 32)).as("acknowledged still counts as open").isEmpty();
    Transition res = e.resolve(id, "bob", at.plusSeconds(1)).orElseThrow();
    assertThat(res.incident().status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(res.incident().resolvedBy()).isEqualTo("bob");
    assertThat(res.incident().acknowledgedBy()).isEqualTo("alice");
    assertThat(e.resolve(id, "bob", at)).isEmpty();
    assertThat(e.acknowledge(999, "bob", at)).isEmpty();
  }

  @Test
  void anAcknowledgedIncidentStillResolvesByItself() {
    RulesEngine e = engine(tempMax30(1));
    long id = feed(e, "d", 31).get(0).incident().id();
    e.acknowledge(id, "alice", T0);
    assertThat(feed(e, "d", 20))
        .singleElement()
        .satisfies(t -> assertThat(t.incident().acknowledgedBy()).isEqualTo("alice"));
  }

  @Test
  void restoringASnapshotUndoesEverythingSinceIt() {
    RulesEngine e = engine(tempMax30(2));
    feed(e, "d", 31);
    RulesEngine.Snapshot s = e.snapshot();
    assertThat(feed(e, "d", 31)).hasSize(1);
    e.onFailure("d", at(T0));
    e.restore(s);
    assertThat(e.openCount()).isZero();
    assertThat(feed(e, "d", 31)).as("the pending count of 1 was restored too").hasSize(1);
  }

  @Test
  void aRestoredFailureWindowCountsOnlyTheAttemptsBeforeTheSnapshot() {
    RulesEngine e = engine(TestRules.classic()); // > 20 % over 5 min, >= 10 attempts
    Instant t = T0;
    for (int i = 0; i < 8; i++) {
      t = t.plusSeconds(2);
      e.onReading(new Reading("pi", t, (long) i, 20, 50, "gpiod"), at(t));
    }
    e.onFailure("pi", at(t = t.plusSeconds(2)));
    RulesEngine.Snapshot s = e.snapshot();
    e.onFailure("pi", at(t.plusSeconds(2)));
    assertThat(e.onFailure("pi", at(t.plusSeconds(4)))).hasSize(1);
    e.restore(s);
    assertThat(e.openCount()).isZero();

    List<Transition> out = new ArrayList<>();
    out.addAll(e.onFailure("pi", at(t = t.plusSeconds(2))));
    out.addAll(e.onFailure("pi", at(t.plusSeconds(2))));
    assertThat(out)
        .as("3 of 11 again, not 5 of 13: the undone failures are gone from the window")
        .singleElement()
        .satisfies(tr -> assertThat(tr.incident().value()).isEqualTo(27.3));
  }

  @Test
  void onlyTheLatestSnapshotCanBeRestored() {
    RulesEngine e = engine(tempMax30(2));
    RulesEngine.Snapshot old = e.snapshot();
    e.snapshot();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> e.restore(old))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void loadedIncidentsStayOpenAcrossARestart() {
    RulesEngine first = engine(tempMax30(1));
    Incident open = feed(first, "d", 31).get(0).incident();
    RulesEngine second = engine(tempMax30(1));
    second.load(List.of(open), Map.of(), at(T0));
    assertThat(feed(second, "d", 33)).isEmpty();
    assertThat(feed(second, "d", 20))
        .singleElement()
        .satisfies(t -> assertThat(t.incident().id()).isEqualTo(open.id()));
  }

  @Test
  void invalidOptionsAreRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Threshold(30.0, 10.0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Records.with(
                    TestRules.classic(), "debounceCount", 0, "debounceDuration", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Threshold(null, 30.0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
