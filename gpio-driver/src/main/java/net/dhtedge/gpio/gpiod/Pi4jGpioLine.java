package net.dhtedge.gpio.gpiod;

import com.pi4j.library.gpiod.internal.GpioDContext;
import com.pi4j.library.gpiod.internal.GpioLine;
import com.pi4j.library.gpiod.internal.GpioLineEvent;
import com.pi4j.library.gpiod.internal.LineEvent;
import com.pi4j.library.gpiod.internal.LineRequestFlag;
import net.dhtedge.gpio.EdgeBuffer;

/**
 * {@link GpioLinePort} on Pi4J's libgpiod (v1.6) binding. Deliberately thin: every decision lives
 * in {@link EdgeCapture}, which is tested; this class only forwards, and it cannot run off a Pi
 * (the native library ships for aarch64/armhf and Pi4J refuses to open a chip on unknown boards).
 *
 * <p>It uses its own {@link GpioDContext} (not Pi4J's singleton), one line and one preallocated
 * event object; the line is requested per read and released after it.
 */
public final class Pi4jGpioLine implements GpioLinePort {
  private static final String CONSUMER = "dht-edge";

  private final GpioDContext context;
  private final GpioLine line;
  private final GpioLineEvent event;
  private final int eventFlags;
  private final String name;
  private boolean requested;
  private boolean closed;

  /**
   * @param chip e.g. {@code gpiochip0}; blank = the chip whose label contains "pinctrl"
   * @param pin the line offset (BCM GPIO number)
   * @param pullUp ask the kernel for the internal pull-up while listening (kernel >= 5.5); an
   *     external 4.7-10 kOhm pull-up is still recommended
   */
  public Pi4jGpioLine(String chip, int pin, boolean pullUp) throws GpioAccessException {
    this.name = (chip == null || chip.isBlank() ? "auto" : chip) + "/" + pin;
    GpioDContext ctx = null;
    try {
      ctx = new GpioDContext();
      ctx.setChip(chip == null || chip.isBlank() ? null : chip);
      ctx.initialize(); // returns without a chip when Pi4J does not recognise the board
      line = ctx.getOrOpenLine(pin);
      event = ctx.openLineEvent();
      context = ctx;
    } catch (LinkageError e) {
      closeQuietly(ctx);
      throw new GpioAccessException(
          "cannot load Pi4J's libgpiod binding (needs a Raspberry Pi, aarch64 or armhf): " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(ctx);
      String hint =
          String.valueOf(e.getMessage()).contains("No gpio chip")
              ? " (Pi4J did not recognise this board as a Raspberry Pi)"
              : "";
      throw new GpioAccessException(
          "cannot open GPIO line " + name + " through libgpiod: " + e.getMessage() + hint, e);
    }
    eventFlags = pullUp ? LineRequestFlag.BIAS_PULL_UP.getVal() : 0;
  }

  @Override
  public void requestOutput(int level) throws GpioAccessException {
    try {
      line.requestOutput(CONSUMER, level);
      requested = true;
    } catch (RuntimeException e) {
      throw new GpioAccessException(
          "cannot request GPIO line "
              + name
              + " as output (busy? another program or overlay uses"
              + " it): "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void drive(int level) {
    line.setValue(level);
  }

  @Override
  public void switchToEdgeEvents() throws GpioAccessException {
    context.closeLine(line); // release: the pin becomes an input and the pull-up takes it high
    requested = false;
    try {
      line.requestBothEdgeEventsFlags(CONSUMER, eventFlags);
      requested = true;
    } catch (RuntimeException e) {
      throw new GpioAccessException(
          "cannot request edge events on GPIO line " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public int readEvents(EdgeBuffer out, long timeoutNs) {
    if (!line.eventWait(timeoutNs)) {
      return 0;
    }
    int n = 0;
    do {
      line.eventRead(event);
      if (!out.add(event.getTimeNs(), event.getType() == LineEvent.RISING_EDGE)) {
        break;
      }
      n++;
    } while (out.size() < out.capacity() && line.eventWait(0));
    return n;
  }

  @Override
  public void release() {
    if (requested) {
      requested = false;
      context.closeLine(line);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    release();
    context.close();
  }

  private static void closeQuietly(GpioDContext ctx) {
    if (ctx == null) {
      return;
    }
    try {
      ctx.close();
    } catch (RuntimeException | LinkageError ignored) {
      // already failing with a clearer message
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
