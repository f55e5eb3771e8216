package net.dhtedge.gpio.loop;

/**
 * Receives every attempt's outcome, on the loop's thread: keep it short (hand off to a queue). An
 * exception it throws is logged and does not stop the loop.
 */
@FunctionalInterface
public interface SensorListener {
  void onUpdate(SensorUpdate update);
}
