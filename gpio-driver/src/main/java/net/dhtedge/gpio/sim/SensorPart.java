package net.dhtedge.gpio.sim;

import java.util.Random;

/**
 * The timing of one physical sensor: datasheet nominal widths shifted by part-to-part spread, and
 * an oscillator that runs a little fast or slow. All widths in nanoseconds at the nominal clock;
 * {@link #clockFactor} stretches them (1.1 = the sensor's clock runs 10 % slow).
 */
public record SensorPart(
    long responseDelayNs,
    long preambleLowNs,
    long preambleHighNs,
    long bitLowNs,
    long zeroHighNs,
    long oneHighNs,
    long endLowNs,
    double clockFactor) {

  public SensorPart {
    if (!(clockFactor > 0.5 && clockFactor < 2.0)) {
      throw new IllegalArgumentException("clockFactor out of range: " + clockFactor);
    }
  }

  /** Datasheet typical values, exact clock. */
  public static SensorPart nominal() {
    return new SensorPart(30_000, 80_000, 80_000, 50_000, 27_000, 70_000, 50_000, 1.0);
  }

  /**
   * A random part: each width spread within what datasheets and captures show, the clock off by up
   * to {@code maxDrift} (0.05 = up to 5 % fast or slow).
   */
  public static SensorPart random(Random random, double maxDrift) {
    return new SensorPart(
        between(random, 20_000, 40_000),
        between(random, 75_000, 85_000),
        between(random, 75_000, 85_000),
        between(random, 48_000, 55_000),
        between(random, 23_000, 28_000),
        between(random, 68_000, 74_000),
        between(random, 48_000, 55_000),
        1.0 + (random.nextDouble() * 2 - 1) * maxDrift);
  }

  private static long between(Random r, long lo, long hi) {
    return lo + (long) (r.nextDouble() * (hi - lo));
  }
}
