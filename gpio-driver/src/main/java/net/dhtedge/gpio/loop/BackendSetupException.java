package net.dhtedge.gpio.loop;

/** A backend could not be set up; the message is one line a user can act on. */
public final class BackendSetupException extends Exception {
  public BackendSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
