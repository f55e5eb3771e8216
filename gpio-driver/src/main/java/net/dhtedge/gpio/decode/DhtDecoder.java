package net.dhtedge.gpio.decode;

import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.FailureReason;

/**
 * TEMPORARY PLACEHOLDER on branch {@code driver} so the backends compile and their tests run before
 * the real decoder (branch {@code decoder}) is merged. It is deleted in the merge commit. It only
 * reads the last 40 high pulses after a falling edge and checks the checksum; it is not the
 * project's decoder.
 */
public final class DhtDecoder {

  public DhtResult decode(DhtModel model, EdgeBuffer edges) {
    if (edges.size() == 0) {
      return DhtResult.fail(FailureReason.NO_RESPONSE, "no edges");
    }
    long[] highs = new long[edges.size()];
    int n = 0;
    for (int i = 1; i < edges.size(); i++) {
      if (edges.rising(i) == edges.rising(i - 1)) {
        return DhtResult.fail(FailureReason.TIMING, "two edges in the same direction at " + i);
      }
      if (!edges.rising(i) && edges.rising(i - 1)) {
        highs[n++] = edges.time(i) - edges.time(i - 1);
      }
    }
    if (n < 40) {
      return DhtResult.fail(FailureReason.TOO_FEW_EDGES, n + " high pulses");
    }
    int[] bytes = new int[5];
    for (int b = 0; b < 40; b++) {
      long w = highs[n - 40 + b];
      if (w < 10_000 || w > 100_000) {
        return DhtResult.fail(FailureReason.TIMING, "pulse " + w + " ns");
      }
      bytes[b / 8] = (bytes[b / 8] << 1) | (w > 48_000 ? 1 : 0);
    }
    if (((bytes[0] + bytes[1] + bytes[2] + bytes[3]) & 0xff) != bytes[4]) {
      return DhtResult.fail(FailureReason.CHECKSUM, "checksum");
    }
    double h;
    double t;
    if (model == DhtModel.DHT11) {
      h = bytes[0] + bytes[1] / 10.0;
      t = bytes[2] + (bytes[3] & 0x7f) / 10.0;
      if ((bytes[3] & 0x80) != 0) {
        t = -t;
      }
    } else {
      h = ((bytes[0] << 8) | bytes[1]) / 10.0;
      t = (((bytes[2] & 0x7f) << 8) | bytes[3]) / 10.0;
      if ((bytes[2] & 0x80) != 0) {
        t = -t;
      }
    }
    return new DhtResult.Reading(model, bytes, h, t);
  }
}
