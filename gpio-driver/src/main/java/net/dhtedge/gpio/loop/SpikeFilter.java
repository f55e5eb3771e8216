package net.dhtedge.gpio.loop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import net.dhtedge.gpio.DhtResult;

/**
 * Median-of-3 for readings that have two values: it keeps the last three good readings and passes
 * on the one that lies between the others, i.e. the reading whose summed distance to the other two
 * is smallest (distance = |delta T| in degC + |delta RH| in %RH). For one value this is exactly the
 * median; for two it is the "medoid". A single reading that jumps away from its neighbours, in
 * either value, is never chosen while the other two agree.
 *
 * <p>It never invents a value: what it passes on is one of the three readings as the sensor sent it
 * (both values from the same frame), with its own timestamp. Until three readings are in the window
 * it passes the newest one on. Readings older than {@code maxAge} leave the window, so after a long
 * outage it starts afresh. Ties go to the newer reading. Failures do not enter.
 */
public final class SpikeFilter {
  private final Duration maxAge;
  private final Deque<Entry> window = new ArrayDeque<>(3);

  /** A reading and when it was taken. */
  public record Entry(DhtResult.Reading reading, Instant at) {}

  public SpikeFilter(Duration maxAge) {
    this.maxAge = maxAge;
  }

  /** Adds the newest good reading and returns the one to pass on. */
  public Entry offer(DhtResult.Reading reading, Instant at) {
    window.removeIf(e -> Duration.between(e.at(), at).compareTo(maxAge) > 0);
    if (window.size() == 3) {
      window.removeFirst();
    }
    Entry newest = new Entry(reading, at);
    window.addLast(newest);
    if (window.size() < 3) {
      return newest;
    }
    Entry[] w = window.toArray(Entry[]::new);
    Entry best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int i = w.length - 1; i >= 0; i--) { // newest first: ties go to the newer
      double score = 0;
      for (int j = 0; j < w.length; j++) {
        if (j != i) {
          score += distance(w[i].reading(), w[j].reading());
        }
      }
      if (score < bestScore) {
        bestScore = score;
        best = w[i];
      }
    }
    return best;
  }

  private static double distance(DhtResult.Reading a, DhtResult.Reading b) {
    return Math.abs(a.temperature() - b.temperature()) + Math.abs(a.humidity() - b.humidity());
  }
}
