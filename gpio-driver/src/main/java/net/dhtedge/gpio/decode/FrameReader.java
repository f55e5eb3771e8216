package net.dhtedge.gpio.decode;

import java.util.Arrays;
import java.util.Locale;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.FailureReason;

/**
 * Reads the 40 bits of one frame from cleaned edges, given where the frame ends, and checks
 * everything the wire lets us check. Reusable, allocation-free on success; thread-confined.
 *
 * <p>Protocol timings (DHT11 and AM2302 datasheets, typical; a part's clock may be 20 % off):
 *
 * <pre>
 *   answer low   80 us (75-85)     answer high 80 us (75-85)
 *   data low     50 us (48-55)     0 high 26-28 us (22-30)    1 high 70 us (68-75)
 *   end low      50 us (45-55), then the sensor releases the line (pull-up: high)
 * </pre>
 *
 * All limits below are in units of the frame's own median data low (its "unit", ~50 us): the
 * sensor's clock and the recorder's clock error cancel out.
 */
final class FrameReader {

  static final int BITS = 40;

  /** Edges from bit 0's rising edge (R_0) to the release (R_rel), both included. */
  static final int FRAME_EDGES = 2 * BITS + 1;

  /** Data lows: 50 us nominal; byte boundaries on real AM2302s reach 67 us (1.25 units). */
  static final double LOW_MIN = 0.60;

  static final double LOW_MAX = 1.45;

  /** The end low before the release: 50 us nominal (45-55 us). */
  static final double END_LOW_MIN = 0.50;

  static final double END_LOW_MAX = 1.60;

  /** No data high exceeds 75 us (1.5 units); 2 units leaves room for jitter. */
  static final double HIGH_MAX = 2.0;

  /**
   * The answer's high right before bit 0 is 80 us (75-85 us: 1.4-1.8 units; 1.25-1.85 measured with
   * 5 us jitter). Longer means edges before bit 0 are missing (a lost bit 0 merges into it: >= 3
   * units), shorter that the pair is not the answer at all.
   */
  static final double ANSWER_HIGH_MIN = 1.15;

  static final double ANSWER_HIGH_MAX = 2.3;

  /**
   * The answer's low before that: 80 us nominal, but real AM2301s send ~60 us (0.83 units seen).
   * Only gross misfits are caught here (an edge moved onto bit 0's low, a merged pair).
   */
  static final double ANSWER_LOW_MIN = 0.75;

  /** Prior threshold between a 0 high (26-28 us, ~0.52 units) and a 1 high (70 us, ~1.4). */
  static final double THRESHOLD_PRIOR = 0.95;

  /** The threshold learnt from the frame stays within these units. */
  static final double THRESHOLD_MIN = 0.80;

  static final double THRESHOLD_MAX = 1.10;

  /** A bit whose combined high estimate is closer than this to the threshold is ambiguous. */
  static final double AMBIGUOUS_HALF_BAND = 0.08;

  /**
   * When bit 0's low was not captured, nothing checks its edges; its high may then not be longer
   * than every other high of its kind by more than this (units). A late-armed capture whose end is
   * wrong would otherwise read a cut answer high as bit 0.
   */
  static final double FIRST_HIGH_EXCESS_MAX = 0.15;

  /** The median data low of any DHT: 50 us with +-25 % clock error, plus recorder slack. */
  static final double UNIT_MIN_US = 28.0;

  static final double UNIT_MAX_US = 90.0;

  private final double[] lows = new double[BITS];
  private final double[] highs = new double[BITS];
  private final double[] estimate = new double[BITS];
  private final double[] scratch = new double[BITS];

  /** Why the last read failed; the detail text is only built when asked for. */
  private enum Problem {
    LOST_EDGE(
        FailureReason.LOST_EDGE,
        "two %5$s edges in a row at edge %1$.0f%6$s: the recorder lost an edge"),
    NO_ANCHOR(
        FailureReason.TOO_FEW_EDGES,
        "the capture ends before the sensor's release and does not hold its answer either:"
            + " nothing anchors the 40 bits"),
    CHECKSUM(FailureReason.CHECKSUM, "bytes %5$s: the checksum byte should be %1$.0f"),
    IMPLAUSIBLE(FailureReason.IMPLAUSIBLE, "%5$s: %6$s"),
    UNIT(
        FailureReason.TIMING,
        "data lows last %1$.1f us (median); a DHT sends 50 us (+-25 %% clock error)"),
    LOW(
        FailureReason.TIMING,
        "bit %1$.0f's low lasts %2$.1f us, %3$.2f x the frame's median low %4$.1f us (allowed "
            + LOW_MIN
            + ".."
            + LOW_MAX
            + "): an edge moved (IRQ latency) or edges are missing"),
    END_LOW(
        FailureReason.TIMING,
        "the end low lasts %1$.1f us, %2$.2f x the frame's median low (allowed "
            + END_LOW_MIN
            + ".."
            + END_LOW_MAX
            + ")"),
    HIGH(
        FailureReason.TIMING,
        "bit %1$.0f's high lasts %2$.1f us; no DHT data high is longer than ~75 us"
            + " (lost edges or a long IRQ latency)"),
    ANSWER_HIGH(
        FailureReason.TIMING,
        "the high before bit 0 lasts %1$.2f units; the sensor's answer high is 80 us (1.6"
            + " units, allowed "
            + ANSWER_HIGH_MIN
            + ".."
            + ANSWER_HIGH_MAX
            + "): the edges do not line up with a frame (extra or missing edges)"),
    ANSWER_LOW(
        FailureReason.TIMING,
        "the low before the answer high lasts %1$.2f units; the sensor's answer low is 60-80 us"
            + " (at least "
            + ANSWER_LOW_MIN
            + " units): the edges do not line up with a frame"),
    NEAR_THRESHOLD(
        FailureReason.AMBIGUOUS,
        "bit %1$.0f's high (%2$.1f us) reads %3$.2f units, too close to the 0/1 threshold"
            + " %4$.2f"),
    VIEWS_DISAGREE(
        FailureReason.AMBIGUOUS,
        "bit %1$.0f: its high (%2$.1f us) and the lows around it (%3$.1f, %4$.1f us) disagree"
            + " about 0 or 1: an edge moved (IRQ latency)"),
    FIRST_UNLIKE_OTHERS(
        FailureReason.AMBIGUOUS,
        "bit 0's low was not captured and its high (%1$.2f units) is longer than every other"
            + " high of its kind (%2$.2f): it may be the sensor's answer high (a frame read one"
            + " bit off)");

    final FailureReason reason;
    final String template;

    Problem(FailureReason reason, String template) {
      this.reason = reason;
      this.template = template;
    }
  }

  private Problem problem;
  private double p1;
  private double p2;
  private double p3;
  private double p4;
  private boolean flag;
  private DhtModel failModel;
  private final int[] failBytes = new int[5];

  FailureReason failReason() {
    return problem == null ? null : problem.reason;
  }

  /** The failure's detail text (built here, so that failed attempts cost no allocation). */
  String failDetail() {
    if (problem == null) {
      return null;
    }
    String s5 = "";
    String s6 = "";
    switch (problem) {
      case LOST_EDGE -> {
        s5 = flag ? "falling" : "rising";
        s6 = p2 < 0 ? " (before bit 0)" : " (bit " + (int) p2 + ")";
      }
      case CHECKSUM -> s5 = Arrays.toString(failBytes);
      case IMPLAUSIBLE -> {
        s5 = Arrays.toString(failBytes);
        s6 = DhtValues.implausibility(failModel, failBytes);
      }
      default -> {}
    }
    return String.format(Locale.ROOT, problem.template, p1, p2, p3, p4, s5, s6);
  }

  /**
   * Reads the frame whose release is clean edge {@code end} into {@code out}. Returns false and
   * sets {@link #failReason()}/{@link #failDetail()} when it is not a frame the sensor sent.
   *
   * <p>When the capture stopped before the release ({@code releaseSeen} false, {@code end} is then
   * one past the last edge, bit 39's falling edge), the frame is anchored on the sensor's answer
   * instead: the 80 us answer high right before bit 0 must have been captured.
   */
  boolean read(CleanEdges edges, int end, boolean releaseSeen, DhtModel model, int[] out) {
    int first = end - (FRAME_EDGES - 1); // R_0
    if (!checkStructure(edges, first, releaseSeen ? end : end - 1)) {
      return false;
    }
    if (!releaseSeen && first < 2) {
      return fail(Problem.NO_ANCHOR, 0, 0, 0, 0);
    }
    boolean firstLowSeen = first >= 1;
    for (int k = 0; k < BITS; k++) {
      int r = first + 2 * k;
      highs[k] = micros(edges.time(r + 1) - edges.time(r));
      lows[k] = (k > 0 || firstLowSeen) ? micros(edges.time(r) - edges.time(r - 1)) : Double.NaN;
    }
    double endLow = releaseSeen ? micros(edges.time(end) - edges.time(end - 1)) : Double.NaN;
    double unit = medianLow(firstLowSeen);
    if (!checkTiming(edges, first, firstLowSeen, endLow, unit)) {
      return false;
    }
    if (!classify(firstLowSeen, endLow, unit, out)) {
      return false;
    }
    if (!DhtValues.checksumMatches(out)) {
      System.arraycopy(out, 0, failBytes, 0, 5);
      return fail(Problem.CHECKSUM, (out[0] + out[1] + out[2] + out[3]) & 0xFF, 0, 0, 0);
    }
    if (!DhtValues.plausible(model, out)) {
      System.arraycopy(out, 0, failBytes, 0, 5);
      failModel = model;
      return fail(Problem.IMPLAUSIBLE, 0, 0, 0, 0);
    }
    problem = null;
    return true;
  }

  /** Edges must alternate: R_k, F_(k+1), ..., R_rel, with F_0 and R_answer before when seen. */
  private boolean checkStructure(CleanEdges edges, int first, int end) {
    for (int i = end; i >= Math.max(0, first - 2); i--) { // from the anchored end
      boolean expectRising = ((i - first) & 1) == 0;
      if (edges.rising(i) != expectRising) {
        flag = expectRising;
        return fail(Problem.LOST_EDGE, i, i < first ? -1 : Math.min((i - first) / 2, 39), 0, 0);
      }
    }
    return true;
  }

  private double medianLow(boolean firstLowSeen) {
    int m = 0;
    for (int k = firstLowSeen ? 0 : 1; k < BITS; k++) {
      scratch[m++] = lows[k];
    }
    Arrays.sort(scratch, 0, m);
    return (m & 1) == 1 ? scratch[m / 2] : (scratch[m / 2 - 1] + scratch[m / 2]) / 2;
  }

  private boolean checkTiming(
      CleanEdges edges, int first, boolean firstLowSeen, double endLow, double unit) {
    if (unit < UNIT_MIN_US || unit > UNIT_MAX_US) {
      return fail(Problem.UNIT, unit, 0, 0, 0);
    }
    for (int k = firstLowSeen ? 0 : 1; k < BITS; k++) {
      double low = lows[k] / unit;
      if (low < LOW_MIN || low > LOW_MAX) {
        return fail(Problem.LOW, k, lows[k], low, unit);
      }
    }
    double endRatio = endLow / unit;
    if (!Double.isNaN(endLow) && (endRatio < END_LOW_MIN || endRatio > END_LOW_MAX)) {
      return fail(Problem.END_LOW, endLow, endRatio, 0, 0);
    }
    for (int k = 0; k < BITS; k++) {
      if (highs[k] / unit > HIGH_MAX) {
        return fail(Problem.HIGH, k, highs[k], 0, 0);
      }
    }
    if (first >= 2) {
      // R_answer was captured, so the whole answer high before bit 0 was too.
      double answerHigh = micros(edges.time(first - 1) - edges.time(first - 2)) / unit;
      if (answerHigh < ANSWER_HIGH_MIN || answerHigh > ANSWER_HIGH_MAX) {
        return fail(Problem.ANSWER_HIGH, answerHigh, 0, 0, 0);
      }
    }
    if (first >= 3 && !edges.rising(first - 3)) {
      // F_answer was captured too: the whole answer low.
      double answerLow = micros(edges.time(first - 2) - edges.time(first - 3)) / unit;
      if (answerLow < ANSWER_LOW_MIN) {
        return fail(Problem.ANSWER_LOW, answerLow, 0, 0, 0);
      }
    }
    return true;
  }

  /**
   * Three views of each bit's high, each spoilt by a different pair of edges: the high itself
   * (R_k..F_k+1), the rising-to-rising period minus a low (R_k..R_k+1) and the falling-to-falling
   * period minus a low (F_k..F_k+1). Their blend is what is classified; a single edge moved by IRQ
   * latency pulls two views one way and leaves the third, and the bit is refused when the views
   * disagree.
   */
  private boolean classify(boolean firstLowSeen, double endLow, double unit, int[] out) {
    for (int k = 0; k < BITS; k++) {
      double h = highs[k];
      double next = k < BITS - 1 ? lows[k + 1] : endLow;
      double viaFalling = (k > 0 || firstLowSeen) ? h + lows[k] - unit : Double.NaN;
      double viaRising = Double.isNaN(next) ? viaFalling : h + next - unit;
      if (Double.isNaN(viaFalling)) {
        viaFalling = viaRising;
      }
      estimate[k] = (h + (viaRising + viaFalling) / 2) / 2 / unit;
    }
    // Threshold: the prior, then the middle of the frame's own two clusters when it has both.
    double threshold = THRESHOLD_PRIOR;
    double sum0 = 0;
    double sum1 = 0;
    int n0 = 0;
    for (int k = 0; k < BITS; k++) {
      if (estimate[k] < threshold) {
        sum0 += estimate[k];
        n0++;
      } else {
        sum1 += estimate[k];
      }
    }
    if (n0 > 0 && n0 < BITS) {
      double middle = (sum0 / n0 + sum1 / (BITS - n0)) / 2;
      threshold = Math.max(THRESHOLD_MIN, Math.min(THRESHOLD_MAX, middle));
    }
    Arrays.fill(out, 0);
    double longestOtherOne = 0;
    double longestOtherZero = 0;
    for (int k = 0; k < BITS; k++) {
      double e = estimate[k];
      if (Math.abs(e - threshold) < AMBIGUOUS_HALF_BAND) {
        return fail(Problem.NEAR_THRESHOLD, k, highs[k], e, threshold);
      }
      boolean one = e > threshold;
      double h = highs[k];
      double next = k < BITS - 1 ? lows[k + 1] : endLow;
      double viaFalling = (k > 0 || firstLowSeen) ? (h + lows[k] - unit) / unit : Double.NaN;
      double viaRising = Double.isNaN(next) ? viaFalling : (h + next - unit) / unit;
      if (Double.isNaN(viaFalling)) {
        viaFalling = viaRising;
      }
      if ((h / unit > threshold) != one
          || (viaRising > threshold) != one
          || (viaFalling > threshold) != one) {
        return fail(
            Problem.VIEWS_DISAGREE, k, h, k > 0 || firstLowSeen ? lows[k] : Double.NaN, next);
      }
      if (one) {
        out[k >> 3] |= 0x80 >> (k & 7);
      }
      if (k > 0 && one) {
        longestOtherOne = Math.max(longestOtherOne, h / unit);
      } else if (k > 0) {
        longestOtherZero = Math.max(longestOtherZero, h / unit);
      }
    }
    if (!firstLowSeen) {
      double longest = (out[0] & 0x80) != 0 ? longestOtherOne : longestOtherZero;
      if (longest > 0 && highs[0] / unit > longest + FIRST_HIGH_EXCESS_MAX) {
        return fail(Problem.FIRST_UNLIKE_OTHERS, highs[0] / unit, longest, 0, 0);
      }
    }
    return true;
  }

  private boolean fail(Problem what, double a, double b, double c, double d) {
    problem = what;
    p1 = a;
    p2 = b;
    p3 = c;
    p4 = d;
    return false;
  }

  private static double micros(long nanos) {
    return nanos / 1_000.0;
  }
}
