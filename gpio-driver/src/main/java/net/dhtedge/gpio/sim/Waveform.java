package net.dhtedge.gpio.sim;

import java.util.Random;
import net.dhtedge.gpio.EdgeBuffer;

/**
 * Writes the edges a sensor puts on the wire after the host releases the line: the answer (low,
 * high), 40 bits (low, then a short high for 0 or a long high for 1) and the closing low, i.e. 84
 * edges starting with a falling one. Each pulse also wobbles by up to {@code pulseJitterNs}.
 */
public final class Waveform {
  private Waveform() {}

  /**
   * @param releaseNs the timestamp at which the host let go of the line
   * @param out receives the edges; it is not cleared
   */
  public static void write(
      int[] bytes,
      SensorPart part,
      long pulseJitterNs,
      Random random,
      long releaseNs,
      EdgeBuffer out) {
    double k = part.clockFactor();
    long t = releaseNs + scaled(part.responseDelayNs(), k, pulseJitterNs, random);
    out.append(t, false);
    t += scaled(part.preambleLowNs(), k, pulseJitterNs, random);
    out.append(t, true);
    t += scaled(part.preambleHighNs(), k, pulseJitterNs, random);
    out.append(t, false);
    for (int i = 0; i < 40; i++) {
      boolean one = ((bytes[i / 8] >> (7 - i % 8)) & 1) == 1;
      t += scaled(part.bitLowNs(), k, pulseJitterNs, random);
      out.append(t, true);
      t += scaled(one ? part.oneHighNs() : part.zeroHighNs(), k, pulseJitterNs, random);
      out.append(t, false);
    }
    t += scaled(part.endLowNs(), k, pulseJitterNs, random);
    out.append(t, true);
  }

  private static long scaled(long ns, double k, long jitter, Random r) {
    long wobble = jitter == 0 ? 0 : (long) ((r.nextDouble() * 2 - 1) * jitter);
    return Math.max(1_000, Math.round(ns * k) + wobble);
  }
}
