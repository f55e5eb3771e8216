package net.dhtedge.gpio.gpiod;

/**
 * What one capture saw, for diagnostics (no values).
 *
 * @param edges edges recorded
 * @param switchGapNs time from the start of the release to the edge request being in place: edges
 *     in this gap are missed (measured with the capture clock)
 * @param hitTimeout the capture stopped at the time-out rather than by idle line or edge count
 */
public record CaptureStats(int edges, long switchGapNs, boolean hitTimeout) {}
