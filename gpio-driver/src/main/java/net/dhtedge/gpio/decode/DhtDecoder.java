package net.dhtedge.gpio.decode;

import java.util.Arrays;
import java.util.Objects;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.FailureReason;

/**
 * Decodes the edges a recorder saw on a DHT11/DHT22 data line into the five bytes the sensor sent,
 * or into a typed failure. It never returns a value the sensor did not send: a doubtful frame is a
 * failure.
 *
 * <p>The wire, after the host's start pulse (host low >= 18 ms (DHT11) / >= 1 ms (DHT22), then
 * released; the pull-up takes the line high):
 *
 * <pre>
 *   host wait   answer          bit 0..39 (MSB first)                 end
 *   ~20-40 us   80 us  80 us    50 us low + 26-28 us high (0)         50 us low, then
 *   high        low    high     50 us low + 70 us high    (1)         released (high)
 * ‾‾‾‾‾‾‾‾‾‾‾‾‾‾|______|‾‾‾‾‾‾‾|_____|‾‾|_____|‾‾‾‾‾‾‾|_ ... _|‾‾|_____|‾‾‾‾‾‾‾‾‾
 *            F_pre  R_pre   F_0   R_0 F_1   R_1      F_2    F_39 R_39 F_40    R_rel
 * </pre>
 *
 * <p>How it reads them (see the module README for the reasoning):
 *
 * <ol>
 *   <li>Glitches (pulses shorter than 8 us, no DHT pulse is) are merged away ({@link CleanEdges}).
 *   <li>The frame is aligned on its end: the last edge must be the release (rising) after the
 *       sensor's final ~50 us low; the 40 bits are the 80 edges before it. Edges before the first
 *       bit must look like the sensor's answer (an ~80 us high right before bit 0). There is no
 *       sliding of windows looking for a checksum match.
 *   <li>The frame clocks itself: the median of its 40 lows (nominal 50 us) is the time unit, so a
 *       sensor clock 20 % off and a slow or fast recorder cancel out. Every low must be close to
 *       that unit; a low far off means an edge that moved (a long IRQ latency) or a missing one.
 *   <li>Each high is classified against a threshold between the frame's own short and long highs
 *       (nominal 26 us and 70 us, threshold ~48 us); a high in the gap between the two clusters is
 *       ambiguous and fails the frame rather than being guessed.
 *   <li>Checksum, then what the model can send (decimal bytes, ranges): else a failure.
 *   <li>When the capture holds edges that would allow a second reading of the frame (trailing stray
 *       edges), that reading is checked too; if it is also valid, the frame is ambiguous.
 * </ol>
 *
 * <p>Thread-confined: one instance per capture thread. After warm-up a call allocates only its
 * result.
 */
public final class DhtDecoder {

  /** Data bits in a frame. */
  static final int BITS = 40;

  /** Edges from the start of bit 0's high (R_0) to the release (R_rel), both included. */
  static final int FRAME_EDGES = 2 * BITS + 1;

  // Limits in units of the frame's own data-low width (nominal 50 us; datasheet 48-55 us).
  /** Data lows: 50 us nominal; byte boundaries on real AM2302s reach 67 us (1.25 units). */
  static final double LOW_MIN = 0.60;

  static final double LOW_MAX = 1.45;

  /** The final low before the release: 50 us nominal (45-55 us). */
  static final double END_LOW_MIN = 0.50;

  static final double END_LOW_MAX = 1.60;

  /** No data high exceeds 75 us (1.5 units); 2 units leaves room for jitter. */
  static final double HIGH_MAX = 2.0;

  /** The answer's high before bit 0 is 80 us (1.6 units); a data high (<= 1.4) is shorter. */
  static final double PREAMBLE_HIGH_MIN = 1.15;

  /** Threshold prior between a 0 high (26-28 us, 0.52 units) and a 1 high (70 us, 1.4 units). */
  static final double THRESHOLD_PRIOR = 0.955;

  /** The learnt threshold stays within this range of units. */
  static final double THRESHOLD_MIN = 0.80;

  static final double THRESHOLD_MAX = 1.10;

  /** A high closer than this (units) to the threshold is ambiguous. */
  static final double AMBIGUOUS_HALF_BAND = 0.05;

  /** The median low of any DHT lies within 50 us +-25 % clock error, plus recorder slack. */
  static final double UNIT_MIN_US = 32.0;

  static final double UNIT_MAX_US = 85.0;

  private final CleanEdges clean = new CleanEdges();
  private final double[] lows = new double[BITS];
  private final double[] highs = new double[BITS];
  private final double[] scratch = new double[BITS];
  private final int[] bytes = new int[5];
  private final int[] altBytes = new int[5];

  /** Why the last {@link #readAt} attempt failed (null when it succeeded). */
  private FailureReason failReason;

  private String failDetail;

  /**
   * Decodes one capture.
   *
   * @param model the data format to read the bytes with
   * @param edges the edges recorded after the host released the line, in time order
   * @return the reading the sensor sent, or a failure with a reason and a detail text
   */
  public DhtResult decode(DhtModel model, EdgeBuffer edges) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(edges, "edges");
    if (edges.size() == 0) {
      return DhtResult.fail(
          FailureReason.NO_RESPONSE, "no edge after the start pulse: the sensor did not answer");
    }
    if (!clean.load(edges)) {
      return DhtResult.fail(
          FailureReason.TIMING,
          "timestamp of edge " + clean.backwardsAt() + " is earlier than the one before it");
    }
    int n = clean.size();
    if (n <= 1) {
      return DhtResult.fail(
          FailureReason.NO_RESPONSE,
          "only "
              + n
              + " edge(s) after removing "
              + clean.glitches()
              + " glitch edge(s): the sensor did not answer");
    }
    if (!clean.rising(n - 1)) {
      return DhtResult.fail(
          FailureReason.TOO_FEW_EDGES,
          "the capture ends on a falling edge: the sensor's release after the last bit is missing"
              + " (capture stopped early or edges were lost)");
    }
    if (n < FRAME_EDGES) {
      return DhtResult.fail(
          FailureReason.TOO_FEW_EDGES,
          "only "
              + n
              + " edges; a frame needs "
              + FRAME_EDGES
              + " from the first bit's high to the release");
    }
    if (!readAt(model, n - 1, bytes)) {
      return DhtResult.fail(failReason, failDetail);
    }
    // A second reading exists when trailing edges could be stray pulses after an earlier release.
    for (int end = n - 3; end >= FRAME_EDGES - 1; end -= 2) {
      if (readAt(model, end, altBytes) && !Arrays.equals(bytes, altBytes)) {
        return DhtResult.fail(
            FailureReason.AMBIGUOUS,
            "two readings fit the capture: "
                + Arrays.toString(bytes)
                + " ending at the last edge and "
                + Arrays.toString(altBytes)
                + " ending "
                + (n - 1 - end)
                + " edges earlier");
      }
    }
    return new DhtResult.Reading(
        model,
        bytes,
        DhtValues.humidityTenths(model, bytes) / 10.0,
        DhtValues.temperatureTenths(model, bytes) / 10.0);
  }

  /**
   * Reads the frame whose release is clean edge {@code end} into {@code out}. Returns false and
   * sets {@link #failReason}/{@link #failDetail} when it is not a valid frame.
   */
  private boolean readAt(DhtModel model, int end, int[] out) {
    int first = end - (FRAME_EDGES - 1); // index of R_0
    boolean firstLowSeen = first >= 1;
    // Structure: R_k at first + 2k, F_(k+1) at first + 2k + 1, release at end.
    for (int i = first; i <= end; i++) {
      boolean expectRising = ((i - first) & 1) == 0;
      if (clean.rising(i) != expectRising) {
        return fail(
            FailureReason.LOST_EDGE,
            "two "
                + (expectRising ? "falling" : "rising")
                + " edges in a row at edge "
                + i
                + " (bit "
                + Math.min((i - first) / 2, BITS - 1)
                + "): the recorder lost an edge");
      }
    }
    if (firstLowSeen && clean.rising(first - 1)) {
      return fail(
          FailureReason.LOST_EDGE,
          "two rising edges in a row before bit 0: the recorder lost an edge");
    }
    for (int k = 0; k < BITS; k++) {
      int r = first + 2 * k;
      highs[k] = micros(clean.time(r + 1) - clean.time(r));
      lows[k] = (k > 0 || firstLowSeen) ? micros(clean.time(r) - clean.time(r - 1)) : Double.NaN;
    }
    double endLow = micros(clean.time(end) - clean.time(end - 1));

    // The frame's own time unit: the median data low (nominal 50 us).
    int m = 0;
    for (int k = firstLowSeen ? 0 : 1; k < BITS; k++) {
      scratch[m++] = lows[k];
    }
    Arrays.sort(scratch, 0, m);
    double unit = (m & 1) == 1 ? scratch[m / 2] : (scratch[m / 2 - 1] + scratch[m / 2]) / 2;
    if (unit < UNIT_MIN_US || unit > UNIT_MAX_US) {
      return fail(
          FailureReason.TIMING,
          String.format(
              "data lows last %.1f us (median); a DHT sends 50 us (+-25 %% clock error)", unit));
    }
    for (int k = firstLowSeen ? 0 : 1; k < BITS; k++) {
      double low = lows[k] / unit;
      if (low < LOW_MIN || low > LOW_MAX) {
        return fail(
            FailureReason.TIMING,
            String.format(
                "bit %d's low lasts %.1f us, %.2f x the frame's median low %.1f us (allowed %.2f..%.2f):"
                    + " an edge moved (IRQ latency) or is missing",
                k, lows[k], low, unit, LOW_MIN, LOW_MAX));
      }
    }
    double endRatio = endLow / unit;
    if (endRatio < END_LOW_MIN || endRatio > END_LOW_MAX) {
      return fail(
          FailureReason.TIMING,
          String.format(
              "the final low lasts %.1f us, %.2f x the frame's median low (allowed %.2f..%.2f)",
              endLow, endRatio, END_LOW_MIN, END_LOW_MAX));
    }
    for (int k = 0; k < BITS; k++) {
      if (highs[k] / unit > HIGH_MAX) {
        return fail(
            FailureReason.TIMING,
            String.format(
                "bit %d's high lasts %.1f us; no DHT high is longer than ~75 us"
                    + " (a lost pair of edges or a long IRQ latency)",
                k, highs[k]));
      }
    }
    if (first >= 2) {
      if (!clean.rising(first - 2)) {
        return fail(
            FailureReason.LOST_EDGE,
            "two falling edges in a row before bit 0: the recorder lost an edge");
      }
      // R_pre exists: the high before bit 0 is the whole 80 us answer high.
      double preHigh = micros(clean.time(first - 1) - clean.time(first - 2)) / unit;
      if (preHigh < PREAMBLE_HIGH_MIN) {
        return fail(
            FailureReason.TIMING,
            String.format(
                "the high before bit 0 lasts %.2f x the low unit; the sensor's answer high is 80 us"
                    + " (1.6 x): the edges do not line up with a frame (extra or missing edges)",
                preHigh));
      }
    }

    // Threshold: start from the prior, then move to the middle of the frame's own two clusters.
    double threshold = THRESHOLD_PRIOR;
    double sum0 = 0;
    double sum1 = 0;
    int n0 = 0;
    int n1 = 0;
    for (int k = 0; k < BITS; k++) {
      double h = highs[k] / unit;
      if (h < threshold) {
        sum0 += h;
        n0++;
      } else {
        sum1 += h;
        n1++;
      }
    }
    if (n0 > 0 && n1 > 0) {
      threshold = Math.max(THRESHOLD_MIN, Math.min(THRESHOLD_MAX, (sum0 / n0 + sum1 / n1) / 2));
    }
    double maxOtherOne = 0;
    for (int i = 0; i < 5; i++) {
      out[i] = 0;
    }
    for (int k = 0; k < BITS; k++) {
      double h = highs[k] / unit;
      if (Math.abs(h - threshold) < AMBIGUOUS_HALF_BAND) {
        return fail(
            FailureReason.AMBIGUOUS,
            String.format(
                "bit %d's high lasts %.1f us, %.2f x the low unit, too close to the 0/1 threshold"
                    + " %.2f",
                k, highs[k], h, threshold));
      }
      if (h > threshold) {
        out[k >> 3] |= 0x80 >> (k & 7);
        if (k > 0) {
          maxOtherOne = Math.max(maxOtherOne, h);
        }
      }
    }
    if (!firstLowSeen && h0IsOne(out) && highs[0] / unit > maxOtherOne + 0.12) {
      return fail(
          FailureReason.AMBIGUOUS,
          "bit 0's low was not captured and its high is longer than every other 1-bit:"
              + " it may be the sensor's 80 us answer high (a frame read one bit off)");
    }
    if (!DhtValues.checksumMatches(out)) {
      return fail(
          FailureReason.CHECKSUM,
          "bytes "
              + Arrays.toString(out)
              + ": checksum should be "
              + ((out[0] + out[1] + out[2] + out[3]) & 0xFF));
    }
    String why = DhtValues.implausibility(model, out);
    if (why != null) {
      return fail(FailureReason.IMPLAUSIBLE, Arrays.toString(out) + ": " + why);
    }
    failReason = null;
    failDetail = null;
    return true;
  }

  private static boolean h0IsOne(int[] out) {
    return (out[0] & 0x80) != 0;
  }

  private boolean fail(FailureReason reason, String detail) {
    failReason = reason;
    failDetail = detail;
    return false;
  }

  private static double micros(long nanos) {
    return nanos / 1_000.0;
  }
}
