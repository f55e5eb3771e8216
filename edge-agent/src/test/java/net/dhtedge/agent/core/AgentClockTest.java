package net.dhtedge.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.Test;

class AgentClockTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void timePassingIsNoStepHoweverLong() {
    MutableClock time = new MutableClock(T0);
    AgentClock c = AgentClock.over(time);
    c.now();
    time.advance(Duration.ofDays(3));
    c.now();

    assertThat(c.steps()).isZero();
    assertThat(c.lastStep()).isEmpty();
  }

  @Test
  void aWallClockSetBackAnHourIsOneStepCountedOnceHoweverOftenTheClockIsRead() {
    MutableClock time = new MutableClock(T0);
    AgentClock c = AgentClock.over(time);
    c.now();
    time.step(Duration.ofHours(-1));
    for (int i = 0; i < 5; i++) {
      time.advance(Duration.ofSeconds(1));
      c.now();
    }

    assertThat(c.steps()).isEqualTo(1);
    AgentClock.Step s = c.lastStep().orElseThrow();
    assertThat(s.by()).as("the jump, not the time that passed too").isEqualTo(Duration.ofHours(-1));
    assertThat(s.describe()).isEqualTo("back 3600.0 s");
    assertThat(s.noticedAt()).isEqualTo(T0.minus(Duration.ofHours(1)).plusSeconds(1));
  }

  @Test
  void aStepOfAtMostTwoSecondsIsNotCountedOneOfMoreIs() {
    MutableClock time = new MutableClock(T0);
    AgentClock c = AgentClock.over(time);
    c.now();
    time.step(Duration.ofMillis(2000));
    c.now();
    assertThat(c.steps()).as("2 s: within the threshold (NTP's slew)").isZero();

    time.step(Duration.ofMillis(2001));
    c.now();
    assertThat(c.steps()).isEqualTo(1);
    assertThat(c.lastStep().orElseThrow().describe()).isEqualTo("forward 2.0 s");
  }

  @Test
  void durationsBetweenMomentsComeFromTheMonotonicClockNotTheWallClock() {
    MutableClock time = new MutableClock(T0);
    AgentClock c = AgentClock.over(time);
    AgentClock.Moment before = c.now();
    time.advance(Duration.ofSeconds(5));
    time.step(Duration.ofHours(-1));

    AgentClock.Moment after = c.now();

    assertThat(after.since(before)).isEqualTo(Duration.ofSeconds(5));
    assertThat(after.wall()).isEqualTo(T0.plusSeconds(5).minus(Duration.ofHours(1)));
  }

  @Test
  void theSystemClockReadsTheMachinesClocks() {
    AgentClock c = AgentClock.system();
    Instant before = Instant.now();
    AgentClock.Moment m = c.now();

    assertThat(m.wall()).isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(c.nanos() - m.nanos()).isNotNegative();
    assertThat(c.steps()).isZero();
  }
}
