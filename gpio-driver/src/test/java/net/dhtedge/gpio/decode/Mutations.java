package net.dhtedge.gpio.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.dhtedge.gpio.EdgeBuffer;

/** Ways a recorder damages a capture, each applied to a copy of an edge list. */
enum Mutations {
  DROP_ONE {
    @Override
    void apply(List<long[]> e, Random r) {
      if (!e.isEmpty()) {
        e.remove(r.nextInt(e.size()));
      }
    }
  },
  DROP_PAIR {
    @Override
    void apply(List<long[]> e, Random r) {
      if (e.size() >= 2) {
        int i = r.nextInt(e.size() - 1);
        e.remove(i);
        e.remove(i);
      }
    }
  },
  DROP_LAST {
    @Override
    void apply(List<long[]> e, Random r) {
      if (!e.isEmpty()) {
        e.remove(e.size() - 1);
      }
    }
  },
  DROP_LAST_PAIR {
    @Override
    void apply(List<long[]> e, Random r) {
      if (e.size() >= 2) {
        e.remove(e.size() - 1);
        e.remove(e.size() - 1);
      }
    }
  },
  SHIFT_ONE {
    @Override
    void apply(List<long[]> e, Random r) {
      if (e.isEmpty()) {
        return;
      }
      int i = r.nextInt(e.size());
      long lo = i == 0 ? Long.MIN_VALUE / 2 : e.get(i - 1)[0];
      long hi = i == e.size() - 1 ? Long.MAX_VALUE / 2 : e.get(i + 1)[0];
      long shifted = e.get(i)[0] + (long) ((r.nextDouble() * 2 - 1) * 60_000);
      e.get(i)[0] = Math.max(lo, Math.min(hi, shifted));
    }
  },
  GLITCHES {
    @Override
    void apply(List<long[]> e, Random r) {
      int count = 1 + r.nextInt(6);
      for (int g = 0; g < count && e.size() >= 2; g++) {
        int i = r.nextInt(e.size() - 1);
        long start = e.get(i)[0] + (long) (r.nextDouble() * (e.get(i + 1)[0] - e.get(i)[0]));
        long width = 200 + r.nextInt(2_800);
        if (start + width >= e.get(i + 1)[0]) {
          continue;
        }
        long level = e.get(i)[1]; // the level after edge i: a glitch flips it briefly
        e.add(i + 1, new long[] {start, 1 - level});
        e.add(i + 2, new long[] {start + width, level});
      }
    }
  },
  JITTER {
    @Override
    void apply(List<long[]> e, Random r) {
      double sigma = 500 + r.nextDouble() * 4_500;
      for (long[] x : e) {
        x[0] += (long) Math.abs(r.nextGaussian() * sigma); // IRQ latency: always late
      }
      sortByTime(e);
    }
  },
  QUANTISE {
    @Override
    void apply(List<long[]> e, Random r) {
      long q = 2_000 + r.nextInt(7_000); // a busy-polling recorder: 2-8 us resolution
      long phase = r.nextInt((int) q);
      for (long[] x : e) {
        x[0] = Math.floorDiv(x[0] + phase, q) * q;
      }
    }
  },
  SPIKES {
    @Override
    void apply(List<long[]> e, Random r) {
      int count = 1 + r.nextInt(3);
      for (int s = 0; s < count && !e.isEmpty(); s++) {
        int i = r.nextInt(e.size());
        e.get(i)[0] += (long) (-Math.log(1 - r.nextDouble()) * 15_000); // IRQ latency, mean 15 us
      }
      sortByTime(e);
    }
  },
  SCALE_TIME {
    @Override
    void apply(List<long[]> e, Random r) {
      double s = 0.75 + r.nextDouble() * 0.5;
      long origin = e.isEmpty() ? 0 : e.get(0)[0];
      for (long[] x : e) {
        x[0] = origin + Math.round((x[0] - origin) * s);
      }
    }
  },
  TRUNCATE {
    @Override
    void apply(List<long[]> e, Random r) {
      if (!e.isEmpty()) {
        int keep = r.nextInt(e.size());
        if (r.nextBoolean()) {
          e.subList(keep, e.size()).clear();
        } else {
          e.subList(0, keep).clear();
        }
      }
    }
  },
  DUPLICATE {
    @Override
    void apply(List<long[]> e, Random r) {
      if (!e.isEmpty()) {
        int i = r.nextInt(e.size());
        e.add(i, e.get(i).clone());
      }
    }
  },
  REORDER {
    @Override
    void apply(List<long[]> e, Random r) {
      if (e.size() >= 2) {
        int i = r.nextInt(e.size() - 1);
        long[] a = e.get(i);
        e.set(i, e.get(i + 1));
        e.set(i + 1, a);
      }
    }
  },
  STRAY_PULSE_BEFORE {
    @Override
    void apply(List<long[]> e, Random r) {
      if (e.isEmpty()) {
        return;
      }
      long t0 = e.get(0)[0];
      boolean firstRising = e.get(0)[1] == 1;
      long width = 10_000 + r.nextInt(90_000);
      long gap = 250_000 + r.nextInt(300_000);
      // A pulse before the sensor's answer (the whole answer lasts < 5 ms, the preamble 160 us):
      // noise on the line or the tail of the host's start pulse, leaving the line as it was.
      e.add(0, new long[] {t0 - gap, firstRising ? 0 : 1});
      e.add(0, new long[] {t0 - gap - width, firstRising ? 1 : 0});
    }
  },
  /**
   * A bit-shaped pulse after the release. Adversarial: with the frame's start missing it is
   * indistinguishable from a genuine frame (see the README's limits); the tests apply it only where
   * the capture holds the answer's start.
   */
  STRAY_PULSE_AFTER {
    @Override
    void apply(List<long[]> e, Random r) {
      if (e.isEmpty()) {
        return;
      }
      long t = e.get(e.size() - 1)[0];
      long high = 20_000 + r.nextInt(60_000);
      long low = 45_000 + r.nextInt(15_000);
      e.add(new long[] {t + high, 0});
      e.add(new long[] {t + high + low, 1});
    }
  };

  abstract void apply(List<long[]> edges, Random random);

  EdgeBuffer applyTo(EdgeBuffer source, Random random) {
    List<long[]> e = toList(source);
    apply(e, random);
    return toBuffer(e);
  }

  static List<long[]> toList(EdgeBuffer b) {
    List<long[]> e = new ArrayList<>();
    for (int i = 0; i < b.size(); i++) {
      e.add(new long[] {b.time(i), b.rising(i) ? 1 : 0});
    }
    return e;
  }

  static EdgeBuffer toBuffer(List<long[]> e) {
    EdgeBuffer b = new EdgeBuffer(Math.max(1, e.size()));
    for (long[] x : e) {
      b.append(x[0], x[1] == 1);
    }
    return b;
  }

  private static void sortByTime(List<long[]> e) {
    e.sort((a, b) -> Long.compare(a[0], b[0]));
  }
}
