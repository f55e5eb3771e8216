package net.dhtedge.gpio;

/**
 * One way of asking a DHT sensor for a value: Pi4J gpiod capture, the kernel IIO driver, or the
 * simulator. A backend never returns a number it is not sure of: doubt is a {@link
 * DhtResult.Failure}.
 */
public interface DhtBackend extends AutoCloseable {

  /** Performs one read. Blocks for at most a few tens of milliseconds. */
  DhtResult read() throws InterruptedException;

  /** A short description for logs and the status page, e.g. {@code gpiod:gpiochip0/4 dht11}. */
  String describe();

  /** Releases what the backend holds; safe to call twice. */
  @Override
  void close();
}
