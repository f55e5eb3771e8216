package net.dhtedge.gpio.gpiod;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.testing.Traces;
import org.junit.jupiter.api.Test;

class GpiodBackendTest {
  private static final List<Traces.Trace> REAL = Traces.load("real");

  private static GpiodBackend backendOn(ReplayLine line, DhtModel model) {
    return new GpiodBackend(line, line, model, CaptureOptions.DEFAULTS, "replay " + model.id());
  }

  private static DhtResult readOnce(ReplayLine line, DhtModel model) throws InterruptedException {
    try (GpiodBackend b = backendOn(line, model)) {
      return b.read();
    }
  }

  @Test
  void everyRealCaptureReplayedThroughTheLineDecodesToItsManifestValue() throws Exception {
    assertThat(REAL).hasSizeGreaterThan(100);
    for (Traces.Trace t : REAL) {
      DhtResult r = readOnce(new ReplayLine(t), t.model());
      assertThat(r).as(t.file()).isInstanceOf(DhtResult.Reading.class);
      DhtResult.Reading v = (DhtResult.Reading) r;
      assertThat(v.bytes()).as(t.file()).containsExactly(t.bytes());
      assertThat(v.temperature()).as(t.file()).isEqualTo(t.temperature());
      assertThat(v.humidity()).as(t.file()).isEqualTo(t.humidity());
    }
  }

  @Test
  void aReaderThatStallsWhileTheKernelQueueOverflowsGetsAFailureNeverAValue() throws Exception {
    int withDrops = 0;
    for (Traces.Trace t : REAL) {
      ReplayLine line = new ReplayLine(t).stallOnceAfter(10, 1_000_000);
      DhtResult r = readOnce(line, t.model());
      if (line.dropped() > 0) {
        withDrops++;
        assertThat(r.ok()).as(t.file() + " dropped " + line.dropped()).isFalse();
      }
    }
    assertThat(withDrops).as("traces where the 16-event queue overflowed").isEqualTo(REAL.size());
  }

  @Test
  void aReaderFastEnoughForTheQueueLosesNoEdge() throws Exception {
    for (Traces.Trace t : REAL) {
      ReplayLine line = new ReplayLine(t).readCost(10_000);
      readOnce(line, t.model());
      assertThat(line.dropped()).as(t.file()).isZero();
    }
  }

  @Test
  void edgesMissedWhileTheLineIsReRequestedForEventsStillLeaveAWholeFrame() throws Exception {
    // The answer's first data bit starts ~180 us after the release; a 100 us gap loses only the
    // preamble.
    for (Traces.Trace t : REAL.subList(0, 20)) {
      DhtResult r = readOnce(new ReplayLine(t).switchGap(100_000), t.model());
      assertThat(r).as(t.file()).isInstanceOf(DhtResult.Reading.class);
      assertThat(((DhtResult.Reading) r).bytes()).as(t.file()).containsExactly(t.bytes());
    }
  }

  @Test
  void aSensorThatNeverAnswersIsNoResponseAndTheLineIsReleased() throws Exception {
    ReplayLine line = ReplayLine.silent();
    long before = line.nanos();
    DhtResult r = readOnce(line, DhtModel.DHT22);
    assertThat(r)
        .isInstanceOfSatisfying(
            DhtResult.Failure.class,
            f -> assertThat(f.reason()).isEqualTo(FailureReason.NO_RESPONSE));
    assertThat(line.calls).containsExactly("requestOutput 0", "switchToEdgeEvents", "release");
    assertThat(line.nanos() - before)
        .as("virtual time spent: start pulse + time-out")
        .isGreaterThanOrEqualTo(2_000_000 + 10_000_000);
  }

  @Test
  void theStartPulseIsHeldLowLongEnoughForEachModel() throws Exception {
    Traces.Trace dht11 = REAL.stream().filter(t -> t.model() == DhtModel.DHT11).findFirst().get();
    ReplayLine l11 = new ReplayLine(dht11);
    readOnce(l11, DhtModel.DHT11);
    assertThat(l11.startPulseNs).isBetween(18_000_000L, 30_000_000L);
    assertThat(l11.calls).startsWith("requestOutput 0", "switchToEdgeEvents").endsWith("release");

    Traces.Trace dht22 = REAL.stream().filter(t -> t.model() == DhtModel.DHT22).findFirst().get();
    ReplayLine l22 = new ReplayLine(dht22);
    readOnce(l22, DhtModel.DHT22);
    assertThat(l22.startPulseNs).isBetween(1_000_000L, 10_000_000L);
  }

  @Test
  void aLineThatCannotBeRequestedIsAnAccessFailureWithTheReasonInOneLine() throws Exception {
    ReplayLine line =
        ReplayLine.silent()
            .failRequestsWith(new GpioAccessException("cannot open /dev/gpiochip0: busy"));
    DhtResult r = readOnce(line, DhtModel.DHT11);
    assertThat(r)
        .isEqualTo(DhtResult.fail(FailureReason.ACCESS, "cannot open /dev/gpiochip0: busy"));
    assertThat(line.calls).containsExactly("requestOutput 0", "release");
  }

  @Test
  void theCaptureStopsAtTheEdgeLimitWhenTheLineKeepsToggling() throws Exception {
    long[] times = new long[300];
    boolean[] rising = new boolean[300];
    for (int i = 0; i < times.length; i++) {
      times[i] = i * 40_000L;
      rising[i] = i % 2 == 1;
    }
    ReplayLine line = new ReplayLine(times, rising);
    try (GpiodBackend b = backendOn(line, DhtModel.DHT22)) {
      b.read();
      assertThat(b.lastCapture().edges()).isEqualTo(85);
      assertThat(line.calls).endsWith("release");
    }
  }

  @Test
  void closingTwiceClosesTheLineOnce() {
    ReplayLine line = ReplayLine.silent();
    GpiodBackend b = backendOn(line, DhtModel.DHT11);
    b.close();
    b.close();
    assertThat(line.closes()).isEqualTo(1);
  }
}
