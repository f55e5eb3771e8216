package net.dhtedge.gpio.decode;

import java.util.Arrays;
import java.util.Random;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;

/**
 * A long soak (not a unit test, ~30 s): a million generated frames, each damaged by a chain of 1-4
 * recorder faults, counting wrong values. Run like {@link DecoderBenchmark}, with class name {@code
 * net.dhtedge.gpio.decode.DecoderSoak} and optionally the frame count and seed.
 *
 * <p>A bit-shaped stray pulse after the release is only added when the capture holds the answer:
 * without it such a capture is identical to a genuine one (the README's known limits), although a
 * later TRUNCATE in the chain can still produce exactly that case.
 */
public final class DecoderSoak {

  private DecoderSoak() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Random r = new Random(args.length > 1 ? Long.parseLong(args[1]) : 20261127L);
    DhtDecoder decoder = new DhtDecoder();
    int wrong = 0;
    int decoded = 0;
    for (int i = 0; i < n; i++) {
      DhtModel model = r.nextBoolean() ? DhtModel.DHT11 : DhtModel.DHT22;
      int[] bytes = FrameSynth.randomBytes(model, r);
      FrameSynth.Start start = FrameSynth.Start.values()[r.nextInt(5)];
      EdgeBuffer e = FrameSynth.edges(bytes, r, 0.8 + r.nextDouble() * 0.4, start);
      StringBuilder chain = new StringBuilder();
      for (int m = 1 + r.nextInt(4); m > 0; m--) {
        Mutations mutation;
        do {
          mutation = Mutations.values()[r.nextInt(Mutations.values().length)];
        } while (mutation == Mutations.STRAY_PULSE_AFTER && start.ordinal() > 1);
        chain.append(mutation).append(' ');
        e = mutation.applyTo(e, r);
      }
      if (decoder.decode(model, e) instanceof DhtResult.Reading reading) {
        decoded++;
        if (!Arrays.equals(reading.bytes(), bytes)) {
          wrong++;
          System.out.printf(
              "WRONG armed at %s, %ssent %s read %s%n",
              start, chain, Arrays.toString(bytes), Arrays.toString(reading.bytes()));
        }
      }
    }
    System.out.printf("soak: %d damaged frames, %d decoded, %d wrong%n", n, decoded, wrong);
  }
}
