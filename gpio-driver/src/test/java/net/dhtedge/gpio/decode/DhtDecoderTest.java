package net.dhtedge.gpio.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.FailureReason;
import org.junit.jupiter.api.Test;

class DhtDecoderTest {

  private static final int[] FRAME = {60, 0, 32, 6, 98};

  private final DhtDecoder decoder = new DhtDecoder();

  private static EdgeBuffer frame(int[] bytes, long seed, FrameSynth.Start start) {
    return FrameSynth.edges(bytes, new Random(seed), 1.0, start);
  }

  private static EdgeBuffer withoutLast(EdgeBuffer e, int count) {
    List<long[]> l = Mutations.toList(e);
    l.subList(l.size() - count, l.size()).clear();
    return Mutations.toBuffer(l);
  }

  private static EdgeBuffer withPulseAfter(EdgeBuffer e, long highNs, long lowNs) {
    List<long[]> l = Mutations.toList(e);
    long t = l.get(l.size() - 1)[0];
    l.add(new long[] {t + highNs, 0});
    l.add(new long[] {t + highNs + lowNs, 1});
    return Mutations.toBuffer(l);
  }

  /** The frame read one bit early (left shift, a 0 shifted in) or late (right shift). */
  private static int[] shifted(int[] b, boolean left) {
    long v = 0;
    for (int x : b) {
      v = (v << 8) | x;
    }
    v = left ? (v << 1) & 0xFF_FFFF_FFFFL : v >>> 1;
    int[] out = new int[5];
    for (int i = 4; i >= 0; i--) {
      out[i] = (int) (v & 0xFF);
      v >>>= 8;
    }
    return out;
  }

  /** Frames whose one-bit-shifted reading also passes the checksum and is plausible. */
  private static List<int[]> treacherousFrames(DhtModel model, boolean left) {
    List<int[]> found = new java.util.ArrayList<>();
    Random r = new Random(99);
    while (found.size() < 25) {
      int[] b = FrameSynth.randomBytes(model, r);
      int[] s = shifted(b, left);
      if (DhtValues.checksumMatches(s) && DhtValues.implausibility(model, s) == null) {
        found.add(b);
      }
    }
    return found;
  }

  private void assertNeverReads(DhtResult result, int[] sent) {
    if (result instanceof DhtResult.Reading r) {
      assertThat(r.bytes()).as("a value is only ever what the sensor sent").containsExactly(sent);
    }
  }

  @Test
  void theIssuesFrameReadOneBitEarlyPassesTheChecksumWhichIsWhyAlignmentMatters() {
    assertThat(shifted(FRAME, true)).containsExactly(120, 0, 64, 12, 196);
    assertThat(DhtValues.checksumMatches(shifted(FRAME, true))).isTrue();
  }

  @Test
  void aFrameDecodesWhereverTheRecorderWasArmed() {
    for (FrameSynth.Start start : FrameSynth.Start.values()) {
      DhtResult r = decoder.decode(DhtModel.DHT11, frame(FRAME, 1, start));
      assertThat(r).as("armed at %s", start).isInstanceOf(DhtResult.Reading.class);
      DhtResult.Reading reading = (DhtResult.Reading) r;
      assertThat(reading.bytes()).containsExactly(FRAME);
      assertThat(reading.humidity()).isEqualTo(60.0);
      assertThat(reading.temperature()).isEqualTo(32.6);
    }
  }

  @Test
  void aFrameReadOneEdgeOffIsRejected() {
    for (DhtModel model : DhtModel.values()) {
      for (int[] sent : treacherousFrames(model, false)) {
        for (FrameSynth.Start start : FrameSynth.Start.values()) {
          // Last pair lost (end of bit 39's high and the release): the end moves one bit early.
          DhtResult r = decoder.decode(model, withoutLast(frame(sent, 5, start), 2));
          assertThat(r.ok()).as("%s armed at %s, last pair lost", model, start).isFalse();
        }
      }
      for (int[] sent : treacherousFrames(model, true)) {
        for (FrameSynth.Start start :
            List.of(FrameSynth.Start.HOST_RELEASE, FrameSynth.Start.ANSWER)) {
          // A bit-shaped pulse after the release, with the answer in the capture.
          EdgeBuffer e = withPulseAfter(frame(sent, 6, start), 26_000, 50_000);
          assertThat(decoder.decode(model, e).ok())
              .as("%s armed at %s, stray pulse after the release", model, start)
              .isFalse();
        }
      }
    }
  }

  @Test
  void aCaptureThatStoppedBeforeTheReleaseDecodesOnlyWhenTheAnswerAnchorsIt() {
    for (FrameSynth.Start start : FrameSynth.Start.values()) {
      DhtResult r = decoder.decode(DhtModel.DHT11, withoutLast(frame(FRAME, 2, start), 1));
      if (start.ordinal() <= FrameSynth.Start.ANSWER_HIGH.ordinal()) {
        assertThat(((DhtResult.Reading) r).bytes()).as("armed at %s", start).containsExactly(FRAME);
      } else {
        assertThat(((DhtResult.Failure) r).reason())
            .as("armed at %s", start)
            .isEqualTo(FailureReason.TOO_FEW_EDGES);
      }
    }
  }

  @Test
  void aCaptureThatAlsoHoldsThePreviousReadDecodesTheLatestAnswer() {
    int[] previous = {45, 0, 21, 0, 66};
    List<long[]> l = Mutations.toList(frame(previous, 14, FrameSynth.Start.HOST_RELEASE));
    long offset = l.get(l.size() - 1)[0] + 2_000_000_000L; // the next read, 2 s later
    for (long[] x : Mutations.toList(frame(FRAME, 15, FrameSynth.Start.HOST_RELEASE))) {
      l.add(new long[] {x[0] - x[0] / 1_000_000_000L * 1_000_000_000L + offset, x[1]});
    }
    l.add(l.size() - 85, new long[] {l.get(l.size() - 86)[0] + 1_000_000_000L, 0}); // host low
    DhtResult r = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(((DhtResult.Reading) r).bytes()).containsExactly(FRAME);
  }

  @Test
  void anEmptyCaptureIsNoResponse() {
    DhtResult r = decoder.decode(DhtModel.DHT22, new EdgeBuffer(4));
    assertThat(((DhtResult.Failure) r).reason()).isEqualTo(FailureReason.NO_RESPONSE);
  }

  @Test
  void aLostEdgeInsideTheFrameIsReportedAsSuch() {
    List<long[]> l = Mutations.toList(frame(FRAME, 3, FrameSynth.Start.ANSWER));
    l.remove(40);
    DhtResult r = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(((DhtResult.Failure) r).reason()).isEqualTo(FailureReason.LOST_EDGE);
    assertThat(((DhtResult.Failure) r).detail()).contains("lost an edge");
  }

  @Test
  void ringingGlitchesAreMergedAway() {
    List<long[]> l = Mutations.toList(frame(FRAME, 4, FrameSynth.Start.ANSWER));
    for (int i = l.size() - 2; i >= 1; i -= 7) {
      long t = l.get(i)[0];
      long level = l.get(i)[1];
      l.add(i + 1, new long[] {t + 1_000, 1 - level});
      l.add(i + 2, new long[] {t + 2_500, level});
    }
    DhtResult r = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(((DhtResult.Reading) r).bytes()).containsExactly(FRAME);
  }

  @Test
  void aClockTwentyPercentOffInEitherDirectionStillDecodes() {
    for (double clock : new double[] {0.8, 1.2}) {
      EdgeBuffer e = FrameSynth.edges(FRAME, new Random(8), clock, FrameSynth.Start.ANSWER);
      assertThat(((DhtResult.Reading) decoder.decode(DhtModel.DHT11, e)).bytes())
          .containsExactly(FRAME);
    }
  }

  @Test
  void aHighInTheGapBetweenZeroAndOneIsAmbiguous() {
    List<long[]> l = Mutations.toList(frame(FRAME, 9, FrameSynth.Start.ANSWER));
    // The sensor itself sends a 48 us high for bit 10 (R at 3 + 20): everything after moves.
    int r = 3 + 20;
    long stretch = l.get(r)[0] + 48_000 - l.get(r + 1)[0];
    for (int i = r + 1; i < l.size(); i++) {
      l.get(i)[0] += stretch;
    }
    DhtResult result = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(((DhtResult.Failure) result).reason()).isEqualTo(FailureReason.AMBIGUOUS);
  }

  @Test
  void aLateFallingEdgeIsOutvotedByTheRisingToRisingPeriodWhileTheHighStillReadsZero() {
    List<long[]> l = Mutations.toList(frame(FRAME, 9, FrameSynth.Start.ANSWER));
    int r = 3 + 20; // bit 10 (a 0): its falling edge arrives ~20 us late, its next low is short
    l.get(r + 1)[0] = l.get(r)[0] + 48_000;
    DhtResult result = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(((DhtResult.Reading) result).bytes()).containsExactly(FRAME);
  }

  @Test
  void anIrqLatencyThatTurnsAZeroIntoAOneIsCaughtByTheLowAfterIt() {
    List<long[]> l = Mutations.toList(frame(FRAME, 10, FrameSynth.Start.ANSWER));
    int r = 3 + 2 * 9; // bit 9 (a 0): its falling edge arrives 40 us late
    l.get(r + 1)[0] += 40_000;
    DhtResult result = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(result.ok()).isFalse();
  }

  @Test
  void aDht22FrameReadAsDht11IsImplausibleNotAValue() {
    int[] dht22 = {2, 141, 0, 224, 111}; // 65.3 %RH, 22.4 degC
    EdgeBuffer e = frame(dht22, 11, FrameSynth.Start.ANSWER);
    assertThat(((DhtResult.Reading) decoder.decode(DhtModel.DHT22, e)).temperature())
        .isEqualTo(22.4);
    DhtResult asDht11 = decoder.decode(DhtModel.DHT11, e);
    assertThat(((DhtResult.Failure) asDht11).reason()).isEqualTo(FailureReason.IMPLAUSIBLE);
  }

  @Test
  void timestampsGoingBackwardsAreATimingFailure() {
    List<long[]> l = Mutations.toList(frame(FRAME, 12, FrameSynth.Start.ANSWER));
    long[] a = l.get(30);
    l.set(30, l.get(31));
    l.set(31, a);
    DhtResult r = decoder.decode(DhtModel.DHT11, Mutations.toBuffer(l));
    assertThat(((DhtResult.Failure) r).reason()).isEqualTo(FailureReason.TIMING);
  }

  @Test
  void oneDecoderInstanceDecodesCaptureAfterCaptureIndependently() {
    EdgeBuffer bad = withoutLast(frame(FRAME, 13, FrameSynth.Start.ANSWER), 3);
    int[] other = {45, 0, 21, 0, 66};
    for (int i = 0; i < 3; i++) {
      assertThat(decoder.decode(DhtModel.DHT11, bad).ok()).isFalse();
      assertThat(
              ((DhtResult.Reading)
                      decoder.decode(DhtModel.DHT11, frame(other, i, FrameSynth.Start.ANSWER)))
                  .bytes())
          .containsExactly(other);
    }
  }
}
