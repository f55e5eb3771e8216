package net.dhtedge.gpio.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import org.junit.jupiter.api.Test;

/** Random frames, random damage: never a wrong value, never an exception. */
class DhtDecoderPropertyTest {

  private final DhtDecoder decoder = new DhtDecoder();

  private static DhtModel randomModel(Random r) {
    return r.nextBoolean() ? DhtModel.DHT11 : DhtModel.DHT22;
  }

  private static FrameSynth.Start randomStart(Random r) {
    FrameSynth.Start[] all = FrameSynth.Start.values();
    return all[r.nextInt(all.length)];
  }

  private DhtResult decodeSafely(DhtModel model, EdgeBuffer edges, String what) {
    try {
      return decoder.decode(model, edges);
    } catch (RuntimeException e) {
      throw new AssertionError(what + " threw instead of failing with a reason", e);
    }
  }

  @Test
  void undamagedFramesOfAnyBytesClockAndStartDecodeToExactlyTheirBytes() {
    Random r = new Random(11);
    for (int i = 0; i < 5_000; i++) {
      DhtModel model = randomModel(r);
      int[] bytes = FrameSynth.randomBytes(model, r);
      double clock = 0.8 + r.nextDouble() * 0.4;
      FrameSynth.Start start = randomStart(r);
      DhtResult result = decodeSafely(model, FrameSynth.edges(bytes, r, clock, start), "frame");
      assertThat(result)
          .as("frame %s clock %.2f start %s", Arrays.toString(bytes), clock, start)
          .isInstanceOf(DhtResult.Reading.class);
      assertThat(((DhtResult.Reading) result).bytes()).containsExactly(bytes);
    }
  }

  @Test
  void damagedFramesNeverDecodeToAWrongValue() {
    Random r = new Random(42);
    Map<Mutations, int[]> stats = new EnumMap<>(Mutations.class); // decoded, total
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      DhtModel model = randomModel(r);
      int[] bytes = FrameSynth.randomBytes(model, r);
      EdgeBuffer edges = FrameSynth.edges(bytes, r, 0.8 + r.nextDouble() * 0.4, randomStart(r));
      int rounds = 1 + r.nextInt(3);
      Mutations last = null;
      List<Mutations> chain = new ArrayList<>();
      EdgeBuffer original = edges;
      for (int m = 0; m < rounds; m++) {
        do {
          last = Mutations.values()[r.nextInt(Mutations.values().length)];
        } while (last == Mutations.STRAY_PULSE_AFTER);
        chain.add(last);
        edges = last.applyTo(edges, r);
      }
      DhtResult result = decodeSafely(model, edges, "mutation " + last);
      int[] s = stats.computeIfAbsent(last, k -> new int[2]);
      s[1]++;
      if (result instanceof DhtResult.Reading reading) {
        s[0]++;
        if (!Arrays.equals(reading.bytes(), bytes)) {
          wrong.add(
              chain
                  + ": sent "
                  + Arrays.toString(bytes)
                  + " read "
                  + Arrays.toString(reading.bytes())
                  + "\n"
                  + describe(original)
                  + "\n"
                  + describe(edges));
        }
      }
    }
    stats.forEach((m, s) -> System.out.printf("%-20s decoded %d of %d%n", m, s[0], s[1]));
    assertThat(wrong).as("wrong values").isEmpty();
  }

  static String describe(EdgeBuffer e) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < e.size(); i++) {
      b.append(i == 0 ? (e.rising(i) ? "R" : "F") : "");
      if (i > 0) {
        b.append(e.rising(i) ? " l" : " h")
            .append(String.format("%.1f", (e.time(i) - e.time(i - 1)) / 1000.0));
      }
    }
    return b.toString();
  }

  @Test
  void harmlessRecorderEffectsStillDecode() {
    Random r = new Random(7);
    List<Mutations> harmless =
        List.of(
            Mutations.GLITCHES,
            Mutations.SCALE_TIME,
            Mutations.DUPLICATE,
            Mutations.STRAY_PULSE_BEFORE);
    int decoded = 0;
    int total = 0;
    for (int i = 0; i < 4_000; i++) {
      DhtModel model = randomModel(r);
      int[] bytes = FrameSynth.randomBytes(model, r);
      EdgeBuffer edges =
          FrameSynth.edges(bytes, r, 0.85 + r.nextDouble() * 0.3, FrameSynth.Start.HOST_RELEASE);
      edges = harmless.get(r.nextInt(harmless.size())).applyTo(edges, r);
      DhtResult result = decodeSafely(model, edges, "harmless mutation");
      total++;
      if (result instanceof DhtResult.Reading reading) {
        assertThat(reading.bytes()).containsExactly(bytes);
        decoded++;
      }
    }
    assertThat(decoded * 100.0 / total).isGreaterThanOrEqualTo(99.0);
  }

  @Test
  void randomEdgeListsNeverDecodeAndNeverThrow() {
    Random r = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      int n = r.nextInt(200);
      EdgeBuffer edges = new EdgeBuffer(Math.max(1, n));
      long t = r.nextLong(1_000_000_000L);
      boolean rising = r.nextBoolean();
      for (int k = 0; k < n; k++) {
        t += r.nextInt(10) == 0 ? -r.nextInt(1_000) : r.nextInt(150_000);
        edges.append(t, r.nextInt(20) == 0 ? rising : (rising = !rising));
      }
      DhtResult result = decodeSafely(randomModel(r), edges, "random edges");
      if (result.ok()) {
        fail("random edges decoded to " + Arrays.toString(((DhtResult.Reading) result).bytes()));
      }
    }
  }
}
