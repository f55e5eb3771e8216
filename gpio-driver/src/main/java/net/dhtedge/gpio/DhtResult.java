package net.dhtedge.gpio;

/** The outcome of one read: a {@link Reading} the sensor really sent, or a {@link Failure}. */
public sealed interface DhtResult permits DhtResult.Reading, DhtResult.Failure {

  boolean ok();

  /**
   * A value exactly as the sensor sent it.
   *
   * @param model the data format the bytes were read with
   * @param bytes the five bytes, checksum last (each 0..255)
   * @param humidity relative humidity in %RH
   * @param temperature temperature in degrees Celsius
   */
  record Reading(DhtModel model, int[] bytes, double humidity, double temperature)
      implements DhtResult {
    public Reading {
      bytes = bytes.clone();
    }

    @Override
    public int[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean ok() {
      return true;
    }
  }

  /** No value, with a typed reason and a human-readable detail. */
  record Failure(FailureReason reason, String detail) implements DhtResult {
    @Override
    public boolean ok() {
      return false;
    }
  }

  static Failure fail(FailureReason reason, String detail) {
    return new Failure(reason, detail);
  }
}
