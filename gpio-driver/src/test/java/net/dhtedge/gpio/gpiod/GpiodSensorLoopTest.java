package net.dhtedge.gpio.gpiod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.clock.DriverClock;
import net.dhtedge.gpio.loop.BackendKind;
import net.dhtedge.gpio.loop.SensorLoop;
import net.dhtedge.gpio.loop.SensorOptions;
import net.dhtedge.gpio.loop.SensorStatus;
import net.dhtedge.gpio.loop.SensorUpdate;
import net.dhtedge.gpio.testing.Traces;
import org.junit.jupiter.api.Test;

/** The whole chain on recorded edges: loop -> gpiod backend -> capture -> decoder. */
class GpiodSensorLoopTest {

  @Test
  void aLoopOnAReplayedRealCaptureDeliversTheRecordedValueThenAFailureWhenEdgesAreLost()
      throws Exception {
    Traces.Trace t =
        Traces.load("real").stream()
            .filter(x -> x.model() == DhtModel.DHT22)
            .findFirst()
            .orElseThrow();
    List<SensorUpdate> updates = new ArrayList<>();
    DriverClock clock =
        new DriverClock() {
          @Override
          public Instant wall() {
            return Instant.parse("2026-03-01T00:00:00Z");
          }

          @Override
          public long nanos() {
            return System.nanoTime();
          }

          @Override
          public void sleepNanos(long ns) {}
        };
    SensorOptions o =
        SensorOptions.builder("replayed", DhtModel.DHT22, BackendKind.GPIOD).pin(4).build();

    ReplayLine healthy = new ReplayLine(t);
    try (SensorLoop loop =
        new SensorLoop(
            o,
            new GpiodBackend(healthy, healthy, DhtModel.DHT22, CaptureOptions.DEFAULTS, "replay"),
            clock)) {
      loop.addListener(updates::add);
      loop.readOnce();
      assertThat(updates.get(0))
          .isInstanceOfSatisfying(
              SensorUpdate.Good.class,
              g -> {
                assertThat(g.reading().temperature()).isEqualTo(t.temperature());
                assertThat(g.reading().humidity()).isEqualTo(t.humidity());
              });
    }

    ReplayLine stalling = new ReplayLine(t).stallOnceAfter(5, 2_000_000);
    try (SensorLoop loop =
        new SensorLoop(
            o,
            new GpiodBackend(stalling, stalling, DhtModel.DHT22, CaptureOptions.DEFAULTS, "replay"),
            clock)) {
      loop.addListener(updates::add);
      loop.readOnce();
      SensorStatus s = loop.status();
      assertThat(stalling.dropped()).isPositive();
      assertThat(s.valid()).isFalse();
      assertThat(s.successes()).isZero();
      assertThat(s.failureCount()).isEqualTo(1);
      assertThat(updates.get(1)).isInstanceOf(SensorUpdate.Invalid.class);
    }
  }
}
