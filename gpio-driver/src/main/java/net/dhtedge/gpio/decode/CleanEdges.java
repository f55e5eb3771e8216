package net.dhtedge.gpio.decode;

import java.util.Arrays;
import net.dhtedge.gpio.EdgeBuffer;

/**
 * The edges of one capture with glitches removed: a reusable working copy the decoder owns.
 *
 * <p>A glitch is a pulse shorter than {@link #GLITCH_NS}: ringing on a long cable, a contact
 * bounce. No DHT pulse is that short (the shortest is a 0-bit's high: 26-28 us, ~21 us on a part
 * whose clock runs 20 % fast), so such a pulse is merged into its neighbours: both its edges go.
 * Merging cannot create a value: merging a real pulse (one squeezed by a long IRQ latency) either
 * leaves a pulse longer than any the sensor sends, or removes a whole bit, which shifts the frame
 * against its anchors (the answer before bit 0, bit 0 always being 0 in a plausible frame) and
 * fails there. Two edges in the same direction closer than the glitch width are one edge seen twice
 * (a glitch whose middle edge was lost): the second goes.
 */
final class CleanEdges {

  /**
   * Pulses shorter than this are glitches, not signal. Ringing lasts a few us; a real pulse
   * squeezed by IRQ latency to 6-10 us still carries its bit (the three views read it), so the
   * limit stays well below the shortest real pulse.
   */
  static final long GLITCH_NS = 6_000;

  private long[] times = new long[128];
  private boolean[] rising = new boolean[128];
  private int size;
  private int glitches;
  private int backwardsAt = -1;

  /** Copies {@code edges} minus glitches. Returns false when a timestamp goes backwards. */
  boolean load(EdgeBuffer edges) {
    int n = edges.size();
    if (times.length < n) {
      times = Arrays.copyOf(times, Math.max(n, times.length * 2));
      rising = Arrays.copyOf(rising, times.length);
    }
    size = 0;
    glitches = 0;
    backwardsAt = -1;
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long t = edges.time(i);
      boolean r = edges.rising(i);
      if (t < previous) {
        backwardsAt = i;
        return false;
      }
      previous = t;
      if (size > 0 && t - times[size - 1] < GLITCH_NS) {
        glitches++;
        if (rising[size - 1] != r) {
          size--; // a short pulse: drop both of its edges
        }
        continue; // same direction: the same edge seen twice
      }
      times[size] = t;
      rising[size] = r;
      size++;
    }
    return true;
  }

  int size() {
    return size;
  }

  long time(int i) {
    return times[i];
  }

  boolean rising(int i) {
    return rising[i];
  }

  /** How many glitch edges were removed. */
  int glitches() {
    return glitches;
  }

  /** Index in the raw buffer of the first timestamp that went backwards, or -1. */
  int backwardsAt() {
    return backwardsAt;
  }
}
