package net.dhtedge.gpio.gpiod;

/** The GPIO chip or line cannot be used (missing, permissions, busy, not a Pi). */
public final class GpioAccessException extends Exception {
  public GpioAccessException(String message) {
    super(message);
  }

  public GpioAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
