package net.dhtedge.gpio.decode;

import java.util.List;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.FailureReason;

/**
 * The decoding algorithms common DHT libraries use, reimplemented faithfully enough to compare
 * with: they align the frame from the start of the capture (the first falling edge is taken as the
 * sensor's answer), classify each bit by one rule, and check only the checksum.
 */
final class Baselines {

  /** One way of turning edges into bytes. */
  interface Algorithm {
    String name();

    DhtResult decode(DhtModel model, EdgeBuffer edges);
  }

  private Baselines() {}

  static List<Algorithm> all() {
    return List.of(FIXED_50US, MEAN_LOW, RISING_PERIOD, STRICT_WINDOWS);
  }

  /** The bit is 1 when its high lasts more than 50 us (pigpio DHTXXD, many Arduino ports). */
  static final Algorithm FIXED_50US =
      new Rule("fixed 50 us threshold") {
        @Override
        int bit(Frame f, int k) {
          return f.high(k) > 50_000 ? 1 : 0;
        }
      };

  /** The bit is 1 when its high is longer than the mean of the frame's lows (Adafruit_DHT). */
  static final Algorithm MEAN_LOW =
      new Rule("mean-low threshold") {
        @Override
        int bit(Frame f, int k) {
          long sum = 0;
          for (int i = 0; i < 40; i++) {
            sum += f.low(i);
          }
          return f.high(k) > sum / 40 ? 1 : 0;
        }
      };

  /** The bit is 1 when rising edge to next rising edge is over 100 us (edge-period readers). */
  static final Algorithm RISING_PERIOD =
      new Rule("rising-edge period > 100 us") {
        @Override
        int bit(Frame f, int k) {
          return f.risingPeriod(k) > 100_000 ? 1 : 0;
        }
      };

  /**
   * Datasheet windows (low 48-55 us, 0 high 22-30 us, 1 high 68-75 us) widened by 10 %: anything
   * outside fails the frame.
   */
  static final Algorithm STRICT_WINDOWS =
      new Rule("strict windows (datasheet +-10 %)") {
        @Override
        int bit(Frame f, int k) {
          long low = f.low(k);
          long high = f.high(k);
          if (low < 43_200 || low > 60_500) {
            return -1;
          }
          if (high >= 19_800 && high <= 33_000) {
            return 0;
          }
          if (high >= 61_200 && high <= 82_500) {
            return 1;
          }
          return -1;
        }
      };

  /** The 40 bits as a start-aligned reader sees them. */
  record Frame(EdgeBuffer e, int bit0Low) {
    /** Bit k's low: F_k to R_k. */
    long low(int k) {
      return e.time(bit0Low + 2 * k + 1) - e.time(bit0Low + 2 * k);
    }

    /** Bit k's high: R_k to F_(k+1). */
    long high(int k) {
      return e.time(bit0Low + 2 * k + 2) - e.time(bit0Low + 2 * k + 1);
    }

    /** R_k to R_(k+1) (the release after the last bit). */
    long risingPeriod(int k) {
      return e.time(bit0Low + 2 * k + 3) - e.time(bit0Low + 2 * k + 1);
    }
  }

  private abstract static class Rule implements Algorithm {
    private final String name;

    Rule(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    abstract int bit(Frame f, int k);

    @Override
    public DhtResult decode(DhtModel model, EdgeBuffer e) {
      int answer = -1;
      for (int i = 0; i < e.size(); i++) {
        if (!e.rising(i)) {
          answer = i;
          break;
        }
      }
      if (answer < 0) {
        return DhtResult.fail(FailureReason.NO_RESPONSE, "no falling edge");
      }
      int bit0Low = answer + 2; // answer low F, answer high R, then bit 0's low F
      if (bit0Low + 2 * 40 + 1 >= e.size()) {
        return DhtResult.fail(FailureReason.TOO_FEW_EDGES, e.size() + " edges");
      }
      Frame f = new Frame(e, bit0Low);
      int[] b = new int[5];
      for (int k = 0; k < 40; k++) {
        int v = bit(f, k);
        if (v < 0) {
          return DhtResult.fail(FailureReason.TIMING, "bit " + k + " outside the windows");
        }
        b[k >> 3] |= v << (7 - (k & 7));
      }
      if (!DhtValues.checksumMatches(b)) {
        return DhtResult.fail(FailureReason.CHECKSUM, "checksum");
      }
      return new DhtResult.Reading(
          model,
          b,
          DhtValues.humidityTenths(model, b) / 10.0,
          DhtValues.temperatureTenths(model, b) / 10.0);
    }
  }
}
