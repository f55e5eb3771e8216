package net.dhtedge.gpio.decode;

import net.dhtedge.gpio.DhtModel;

/**
 * Turns the five bytes of a frame into humidity and temperature, and says whether a model can send
 * those bytes at all. Values are kept in integer tenths so that 52.9 prints as 52.9.
 */
public final class DhtValues {

  private DhtValues() {}

  /** True when the low byte of the sum of the four data bytes equals the fifth byte. */
  public static boolean checksumMatches(int[] b) {
    return ((b[0] + b[1] + b[2] + b[3]) & 0xFF) == b[4];
  }

  /**
   * Relative humidity in tenths of %RH. DHT11: integer byte + decimal byte (0..9). DHT22: 16-bit
   * big-endian value x10.
   */
  public static int humidityTenths(DhtModel model, int[] b) {
    return switch (model) {
      case DHT11 -> b[0] * 10 + b[1];
      case DHT22 -> (b[0] << 8) | b[1];
    };
  }

  /**
   * Temperature in tenths of degrees Celsius. DHT11: integer byte + decimal byte whose bit 7 marks
   * a negative value (newer parts). DHT22: 15-bit magnitude x10, bit 15 = negative.
   */
  public static int temperatureTenths(DhtModel model, int[] b) {
    return switch (model) {
      case DHT11 -> {
        int magnitude = b[2] * 10 + (b[3] & 0x7F);
        yield (b[3] & 0x80) != 0 ? -magnitude : magnitude;
      }
      case DHT22 -> {
        int magnitude = ((b[2] & 0x7F) << 8) | b[3];
        yield (b[2] & 0x80) != 0 ? -magnitude : magnitude;
      }
    };
  }

  /**
   * Why the model cannot have sent these (checksum-correct) bytes, or null when it can.
   *
   * <p>DHT11: the decimal bytes are tenths (0..9; bit 7 of the temperature decimal is the sign), RH
   * at most 100.0 %, temperature within -40..80 degC (the part is specified for 0..50, newer ones
   * -20..60; the margin keeps honest out-of-spec readings). DHT22/AM2302: RH at most 100.0 %,
   * temperature within -40.0..80.0 degC (its full measuring range). All-zero frames are what a
   * stuck-low data line or a dead sensor's first conversion produces, never a measurement.
   */
  public static String implausibility(DhtModel model, int[] b) {
    if ((b[0] | b[1] | b[2] | b[3]) == 0) {
      return "all data bytes are zero (a dead sensor or a stuck line, not a measurement)";
    }
    int rh = humidityTenths(model, b);
    int t = temperatureTenths(model, b);
    if (model == DhtModel.DHT11) {
      if (b[1] > 9) {
        return "DHT11 humidity decimal byte is " + b[1] + " (a DHT11 sends tenths, 0..9)";
      }
      if ((b[3] & 0x7F) > 9) {
        return "DHT11 temperature decimal byte is "
            + (b[3] & 0x7F)
            + " (a DHT11 sends tenths, 0..9)";
      }
    }
    if (rh > 1000) {
      return "humidity " + tenths(rh) + " %RH is above 100 %";
    }
    if (t > 800 || t < -400) {
      return "temperature " + tenths(t) + " degC is outside what the sensor measures (-40..80)";
    }
    return null;
  }

  /** True when the model can send these bytes (no allocation; see {@link #implausibility}). */
  public static boolean plausible(DhtModel model, int[] b) {
    if ((b[0] | b[1] | b[2] | b[3]) == 0) {
      return false;
    }
    if (model == DhtModel.DHT11 && (b[1] > 9 || (b[3] & 0x7F) > 9)) {
      return false;
    }
    int t = temperatureTenths(model, b);
    return humidityTenths(model, b) <= 1000 && t <= 800 && t >= -400;
  }

  /** Formats tenths as a decimal string (-6.1, 52.9, 0.0). */
  public static String tenths(int tenths) {
    int abs = Math.abs(tenths);
    return (tenths < 0 ? "-" : "") + (abs / 10) + "." + (abs % 10);
  }
}
