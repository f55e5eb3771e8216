package net.dhtedge.gpio.decode;

import java.util.Random;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.EdgeBuffer;

/**
 * Makes the edges a DHT sends for any five bytes, with datasheet timing, part-to-part spread and
 * clock error: the test's own source of frames, so that mutations are not limited to the corpus.
 */
final class FrameSynth {

  /** Where the recorder was armed. */
  enum Start {
    /** Before the host released the line: the release's rising edge is the first edge. */
    HOST_RELEASE,
    /** At the release: the sensor's 80 us low is the first edge. */
    ANSWER,
    /** During the 80 us answer low: the first edge ends it. */
    ANSWER_HIGH,
    /** During the 80 us answer high: bit 0's falling edge is the first. */
    BIT0_LOW,
    /** During bit 0's low: its rising edge is the first. */
    BIT0_HIGH
  }

  private FrameSynth() {}

  /** A plausible frame for the model: random humidity and temperature, checksum last. */
  static int[] randomBytes(DhtModel model, Random random) {
    int[] b = new int[5];
    if (model == DhtModel.DHT11) {
      b[0] = 5 + random.nextInt(91);
      b[1] = random.nextInt(4) == 0 ? 0 : random.nextInt(10);
      boolean negative = random.nextInt(8) == 0;
      b[2] = negative ? random.nextInt(21) : random.nextInt(61);
      b[3] = random.nextInt(10) | (negative ? 0x80 : 0);
    } else {
      int rh = random.nextInt(1001);
      int t = random.nextInt(1201) - 400;
      b[0] = rh >> 8;
      b[1] = rh & 0xFF;
      int mag = Math.abs(t);
      b[2] = (mag >> 8) | (t < 0 ? 0x80 : 0);
      b[3] = mag & 0xFF;
    }
    if ((b[0] | b[1] | b[2] | b[3]) == 0) {
      b[0] = 1;
    }
    b[4] = (b[0] + b[1] + b[2] + b[3]) & 0xFF;
    return b;
  }

  /**
   * The edges of one frame. {@code clock} scales every duration (1.2 = a sensor 20 % slow); each
   * part has its own nominal widths (spread), each pulse a little noise.
   */
  static EdgeBuffer edges(int[] bytes, Random random, double clock, Start start) {
    EdgeBuffer e = new EdgeBuffer(96);
    double low = 50 + random.nextDouble() * 5; // 48-55 us datasheet
    double zero = 23 + random.nextDouble() * 6; // 22-30 us
    double one = 68 + random.nextDouble() * 6; // 68-75 us
    double t = 1_000_000.0 + random.nextInt(1_000_000);
    if (start == Start.HOST_RELEASE) {
      e.append(Math.round(t * 1000), true);
    }
    t += (20 + random.nextDouble() * 20) * clock; // host wait 20-40 us
    if (start.ordinal() <= Start.ANSWER.ordinal()) {
      e.append(Math.round(t * 1000), false);
    }
    t += (78 + random.nextDouble() * 6) * clock; // answer low, 80 us
    if (start.ordinal() <= Start.ANSWER_HIGH.ordinal()) {
      e.append(Math.round(t * 1000), true);
    }
    t += (78 + random.nextDouble() * 6) * clock; // answer high, 80 us
    if (start.ordinal() <= Start.BIT0_LOW.ordinal()) {
      e.append(Math.round(t * 1000), false);
    }
    for (int k = 0; k < 40; k++) {
      t += (low + random.nextGaussian() * 0.7) * clock;
      e.append(Math.round(t * 1000), true);
      boolean bit = (bytes[k >> 3] & (0x80 >> (k & 7))) != 0;
      t += ((bit ? one : zero) + random.nextGaussian() * 0.7) * clock;
      e.append(Math.round(t * 1000), false);
    }
    t += (low + random.nextGaussian() * 0.7) * clock; // final low, then released
    e.append(Math.round(t * 1000), true);
    return e;
  }

  static EdgeBuffer copy(EdgeBuffer source) {
    EdgeBuffer c = new EdgeBuffer(Math.max(1, source.size()));
    for (int i = 0; i < source.size(); i++) {
      c.append(source.time(i), source.rising(i));
    }
    return c;
  }
}
