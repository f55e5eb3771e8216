package net.dhtedge.gpio.gpiod;

import net.dhtedge.gpio.DhtModel;

/**
 * Timing of one capture.
 *
 * @param dht11StartNs how long the host holds the line low for a DHT11 (datasheet: >= 18 ms)
 * @param dht22StartNs the same for a DHT22 (datasheet: >= 1 ms, 1-10 ms typical)
 * @param maxEdges stop after this many edges (a whole answer is 84, plus the release edge)
 * @param timeoutNs stop this long after the release even if the frame is incomplete
 * @param idleNs once edges arrive, stop when none follows for this long (no DHT pulse is longer
 *     than ~100 us, so a long silence means the frame is over)
 */
public record CaptureOptions(
    long dht11StartNs, long dht22StartNs, int maxEdges, long timeoutNs, long idleNs) {

  public static final CaptureOptions DEFAULTS =
      new CaptureOptions(20_000_000, 2_000_000, 85, 10_000_000, 1_000_000);

  public CaptureOptions {
    if (dht11StartNs < 18_000_000 || dht11StartNs > 30_000_000) {
      throw new IllegalArgumentException("dht11StartNs must be 18..30 ms, was " + dht11StartNs);
    }
    if (dht22StartNs < 1_000_000 || dht22StartNs > 10_000_000) {
      throw new IllegalArgumentException("dht22StartNs must be 1..10 ms, was " + dht22StartNs);
    }
    if (maxEdges < 84 || maxEdges > 256) {
      throw new IllegalArgumentException("maxEdges must be 84..256, was " + maxEdges);
    }
    if (timeoutNs < 6_000_000 || timeoutNs > 100_000_000) {
      throw new IllegalArgumentException("timeoutNs must be 6..100 ms, was " + timeoutNs);
    }
    if (idleNs < 200_000 || idleNs > timeoutNs) {
      throw new IllegalArgumentException("idleNs must be 0.2 ms..timeout, was " + idleNs);
    }
  }

  public long startPulseNs(DhtModel model) {
    return model == DhtModel.DHT11 ? dht11StartNs : dht22StartNs;
  }
}
