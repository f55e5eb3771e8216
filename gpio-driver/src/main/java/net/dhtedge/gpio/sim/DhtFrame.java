package net.dhtedge.gpio.sim;

import net.dhtedge.gpio.DhtModel;

/**
 * The five bytes a sensor would send for a climate, and what those bytes mean. Values are clamped
 * to what the model can report (a real sensor saturates) and rounded to 0.1 as its bytes encode
 * them, so a decoder that reads the bytes back returns exactly {@link #valueOf}.
 */
public final class DhtFrame {
  private DhtFrame() {}

  /** Encodes a climate as the model's five bytes, checksum last. */
  public static int[] encode(DhtModel model, Climate climate) {
    int[] b = new int[5];
    if (model == DhtModel.DHT11) {
      long rh = Math.round(clamp(climate.humidity(), 0, 99.9) * 10);
      double t = clamp(climate.temperature(), -20, 60);
      long mag = Math.round(Math.abs(t) * 10); // the magnitude is rounded, the sign kept
      b[0] = (int) (rh / 10);
      b[1] = (int) (rh % 10);
      b[2] = (int) (mag / 10);
      b[3] = (int) (mag % 10) | (t < 0 && mag > 0 ? 0x80 : 0);
    } else {
      long rh = Math.round(clamp(climate.humidity(), 0, 100) * 10);
      double t = clamp(climate.temperature(), -40, 80);
      long mag = Math.round(Math.abs(t) * 10);
      b[0] = (int) (rh >> 8);
      b[1] = (int) (rh & 0xff);
      b[2] = (int) ((mag >> 8) | (t < 0 && mag > 0 ? 0x80 : 0));
      b[3] = (int) (mag & 0xff);
    }
    b[4] = (b[0] + b[1] + b[2] + b[3]) & 0xff;
    return b;
  }

  /** What five bytes mean for the model (the checksum is not checked here). */
  public static Climate valueOf(DhtModel model, int[] b) {
    if (model == DhtModel.DHT11) {
      double t = b[2] + (b[3] & 0x7f) / 10.0;
      return new Climate((b[3] & 0x80) != 0 ? -t : t, b[0] + b[1] / 10.0);
    }
    double t = (((b[2] & 0x7f) << 8) | b[3]) / 10.0;
    return new Climate((b[2] & 0x80) != 0 ? -t : t, ((b[0] << 8) | b[1]) / 10.0);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
