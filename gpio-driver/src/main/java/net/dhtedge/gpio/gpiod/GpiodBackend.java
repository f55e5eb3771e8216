package net.dhtedge.gpio.gpiod;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.clock.DriverClock;
import net.dhtedge.gpio.decode.DhtDecoder;

/**
 * Reads a DHT by bit timing on a GPIO line: {@link EdgeCapture} on a dedicated high-priority
 * platform thread records the edges, the {@link DhtDecoder} turns them into a value or a failure.
 */
public final class GpiodBackend implements DhtBackend {
  private final GpioLinePort line;
  private final DhtModel model;
  private final EdgeCapture capture;
  private final EdgeBuffer edges;
  private final DhtDecoder decoder = new DhtDecoder();
  private final ExecutorService captureThread;
  private final String description;
  private final long timeoutMs;
  private volatile CaptureStats lastCapture;
  private boolean closed;

  /** Builds on any line (tests pass a replaying fake). The backend owns and closes the line. */
  public GpiodBackend(
      GpioLinePort line,
      DriverClock clock,
      DhtModel model,
      CaptureOptions options,
      String description) {
    this.line = line;
    this.model = model;
    this.capture = new EdgeCapture(line, clock, options);
    this.edges = new EdgeBuffer(options.maxEdges());
    this.description = description;
    this.timeoutMs = options.timeoutNs() / 1_000_000;
    this.captureThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "dht-capture " + description);
              t.setDaemon(true);
              t.setPriority(Thread.MAX_PRIORITY);
              return t;
            });
  }

  /**
   * Opens a real line through Pi4J's libgpiod binding.
   *
   * @param chip {@code gpiochip0} etc., or blank for the Pi's pinctrl chip
   * @throws GpioAccessException with one clear line (missing chip, permission, not a Pi)
   */
  public static GpiodBackend open(String chip, int pin, DhtModel model, boolean pullUp)
      throws GpioAccessException {
    ChipAccess.check(Path.of("/dev"), chip);
    Pi4jGpioLine line = new Pi4jGpioLine(chip, pin, pullUp);
    return new GpiodBackend(
        line,
        DriverClock.SYSTEM,
        model,
        CaptureOptions.DEFAULTS,
        "gpiod:" + line + " " + model.id());
  }

  @Override
  public DhtResult read() throws InterruptedException {
    if (closed) {
      throw new IllegalStateException("backend closed: " + description);
    }
    Future<DhtResult> f = captureThread.submit(this::readOnCaptureThread);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return DhtResult.fail(FailureReason.IO, "gpiod capture failed: " + c);
    }
  }

  private DhtResult readOnCaptureThread() throws InterruptedException {
    CaptureStats stats;
    lastCapture = null;
    try {
      stats = capture.capture(model, edges);
    } catch (GpioAccessException e) {
      return DhtResult.fail(FailureReason.ACCESS, e.getMessage());
    } catch (RuntimeException e) {
      return DhtResult.fail(FailureReason.IO, "gpiod: " + e.getMessage());
    }
    lastCapture = stats;
    if (stats.edges() == 0) {
      return DhtResult.fail(
          FailureReason.NO_RESPONSE,
          "no edge within "
              + timeoutMs
              + " ms after the start pulse (wiring, pull-up, power, pin number?)");
    }
    return decoder.decode(model, edges);
  }

  /** Diagnostics of the last capture (edge count, release-to-listening gap), or null. */
  public CaptureStats lastCapture() {
    return lastCapture;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    captureThread.shutdownNow();
    try {
      // a capture in flight ends within its time-out; wait so the line is not closed under it
      captureThread.awaitTermination(timeoutMs + 100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      line.close();
    }
  }
}
