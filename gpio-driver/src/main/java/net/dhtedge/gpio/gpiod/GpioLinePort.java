package net.dhtedge.gpio.gpiod;

import net.dhtedge.gpio.EdgeBuffer;

/**
 * The seam between the capture logic ({@link EdgeCapture}) and the GPIO character device. The real
 * implementation is {@link Pi4jGpioLine}; tests use a line that replays recorded edges.
 *
 * <p>Calls come from one thread (the capture thread), in this order per read: {@link
 * #requestOutput}, optionally {@link #drive}, {@link #switchToEdgeEvents}, {@link #readEvents}
 * until done, {@link #release}.
 */
public interface GpioLinePort extends AutoCloseable {

  /** Requests the line as an output driven to {@code level} (0 = low) at once. */
  void requestOutput(int level) throws GpioAccessException;

  /** Drives the requested output line to {@code level}. */
  void drive(int level);

  /**
   * Lets go of the line (the pull-up takes it high, which is the end of the start pulse) and
   * requests both-edge events on it. With the v1 GPIO uAPI that libgpiod 1.6 uses this is a release
   * followed by a new request: edges in between are not seen.
   */
  void switchToEdgeEvents() throws GpioAccessException;

  /**
   * Waits up to {@code timeoutNs} for an edge event, then appends every pending event to {@code
   * out} (kernel timestamps) until none is pending or {@code out} is full. Must not allocate.
   *
   * @return how many edges were appended; 0 when the wait timed out
   */
  int readEvents(EdgeBuffer out, long timeoutNs);

  /** Releases any request on the line; safe to call when nothing is requested. */
  void release();

  /** Releases the line and the chip; safe to call twice. */
  @Override
  void close();
}
