package net.dhtedge.gpio.gpiod;

import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.clock.DriverClock;

/**
 * One read on the wire: the start pulse, then the answer's edges with kernel timestamps. Runs on
 * the capture thread; between the release and the last edge it neither allocates nor logs (the v1
 * kernel queue holds only 16 events, so the reader must keep draining).
 */
public final class EdgeCapture {
  private final GpioLinePort line;
  private final DriverClock clock;
  private final CaptureOptions options;

  public EdgeCapture(GpioLinePort line, DriverClock clock, CaptureOptions options) {
    this.line = line;
    this.clock = clock;
    this.options = options;
  }

  /**
   * Sends the start pulse and records the answer into {@code out} (cleared first). The line is
   * released on every path.
   */
  public CaptureStats capture(DhtModel model, EdgeBuffer out)
      throws GpioAccessException, InterruptedException {
    out.clear();
    int max = Math.min(options.maxEdges(), out.capacity());
    try {
      line.requestOutput(0);
      clock.sleepNanos(options.startPulseNs(model));
      long releasedAt = clock.nanos();
      line.switchToEdgeEvents();
      long listeningAt = clock.nanos();
      long deadline = releasedAt + options.timeoutNs();
      boolean timedOut = false;
      while (out.size() < max) {
        long left = deadline - clock.nanos();
        if (left <= 0) {
          timedOut = true;
          break;
        }
        long wait = out.size() == 0 ? left : Math.min(left, options.idleNs());
        if (line.readEvents(out, wait) == 0 && out.size() > 0) {
          break; // the line has been quiet longer than any DHT pulse: the frame is over
        }
      }
      return new CaptureStats(out.size(), listeningAt - releasedAt, timedOut);
    } finally {
      line.release();
    }
  }
}
