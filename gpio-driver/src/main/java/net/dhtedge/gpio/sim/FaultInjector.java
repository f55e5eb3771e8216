package net.dhtedge.gpio.sim;

import java.util.Random;
import net.dhtedge.gpio.EdgeBuffer;

/** Passes the wire's true edges through a faulty recorder ({@link SimFaults}). */
final class FaultInjector {
  private static final long SPIKE_MEAN_NS = 15_000;

  private FaultInjector() {}

  /**
   * @param wire the edges on the wire, starting at the host's release {@code releaseNs}
   * @param out receives what the recorder saw; cleared first
   */
  static void record(SimFaults f, Random r, long releaseNs, EdgeBuffer wire, EdgeBuffer out) {
    out.clear();
    long armedAt =
        r.nextDouble() < f.lateStartProbability()
            ? releaseNs + (long) (r.nextDouble() * f.lateStartMaxNs())
            : releaseNs;
    int lostFrom = -1;
    int lostTo = -1;
    if (r.nextDouble() < f.lostEdgesProbability()) {
      lostFrom = 3 + r.nextInt(Math.max(1, wire.size() - 24));
      lostTo = lostFrom + 4 + r.nextInt(17);
    }
    long last = Long.MIN_VALUE;
    for (int i = 0; i < wire.size(); i++) {
      long t = wire.time(i);
      boolean up = wire.rising(i);
      if (t < armedAt || (i >= lostFrom && i < lostTo)) {
        continue;
      }
      last = stamp(f, r, t, up, last, out);
      if (r.nextDouble() < f.glitchProbability()) {
        long a = 300 + (long) (r.nextDouble() * 2_200);
        long b = 300 + (long) (r.nextDouble() * 2_200);
        last = stamp(f, r, t + a, !up, last, out);
        last = stamp(f, r, t + a + b, up, last, out);
      }
    }
  }

  private static long stamp(SimFaults f, Random r, long t, boolean up, long last, EdgeBuffer out) {
    long s = t;
    if (f.jitterNs() > 0) {
      s += (long) Math.min(3.0 * f.jitterNs(), Math.abs(r.nextGaussian()) * f.jitterNs());
    }
    if (r.nextDouble() < f.spikeProbability()) {
      s += (long) (-Math.log(1 - r.nextDouble()) * SPIKE_MEAN_NS);
    }
    if (f.pollQuantumNs() > 0) {
      s = Math.ceilDiv(s, f.pollQuantumNs()) * f.pollQuantumNs();
    }
    s = Math.max(s, last); // the recorder stamps edges in the order it sees them
    out.append(s, up);
    return s;
  }
}
