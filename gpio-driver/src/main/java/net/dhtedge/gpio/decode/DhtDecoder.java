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
 *   <li>Glitches (pulses shorter than 6 us, no DHT pulse is) are merged away ({@link CleanEdges}).
 *   <li>The frame is aligned on its end: normally the last edge is the release (rising) after the
 *       sensor's final ~50 us low, and the 40 bits are the 80 edges before it. Edges before the
 *       first bit, when captured, must look like the sensor's answer (an ~80 us high right before
 *       bit 0). A capture that stopped before the release (last edge falling) is read only when
 *       that answer high was captured, so both ends of the 40 bits are anchored. There is no
 *       sliding of windows looking for a checksum match.
 *   <li>The frame clocks itself: the median of its 40 lows (nominal 50 us) is the time unit, so a
 *       sensor clock 20 % off and a slow or fast recorder cancel out. Every low must be close to
 *       that unit; a low far off means an edge that moved (a long IRQ latency) or a missing one.
 *   <li>Each bit is read from three views of its high, each spoilt by a different pair of edges
 *       (the high itself, the rising-to-rising and the falling-to-falling period, minus a low),
 *       against a threshold between the frame's own short and long highs (nominal 26 us and 70 us).
 *       A bit near the threshold, or whose views disagree (one edge moved by IRQ latency), is
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

  /** A whole answer: 80 + 80 us, then 40 bits of at most ~125 us (a 1 on a slow part): < 5 ms. */
  static final long ANSWER_NS = 5_000_000;

  private final CleanEdges clean = new CleanEdges();
  private final FrameReader reader = new FrameReader();
  private final int[] bytes = new int[5];
  private final int[] otherBytes = new int[5];

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
          n
              + " edge(s) left after removing "
              + clean.glitches()
              + " glitch edge(s): the sensor did not answer");
    }
    // Normally the last edge is the sensor's release; a capture that stopped right after bit 39
    // ends on its falling edge instead, and is then anchored on the answer (see FrameReader).
    boolean releaseSeen = clean.rising(n - 1);
    int end = releaseSeen ? n - 1 : n;
    if (end < FrameReader.FRAME_EDGES - 1) {
      return DhtResult.fail(
          FailureReason.TOO_FEW_EDGES,
          n
              + " edges; a frame needs "
              + FrameReader.FRAME_EDGES
              + " from the first bit's high to the release (late capture or lost edges)");
    }
    if (!reader.read(clean, end, releaseSeen, model, bytes)) {
      return DhtResult.fail(reader.failReason(), reader.failDetail());
    }
    // Trailing edges could be stray pulses after an earlier release: if that reading is valid too,
    // the capture does not say which frame the sensor sent. Only releases within one answer's
    // length (< 5 ms) of the end can belong to the same answer.
    for (int other = releaseSeen ? n - 3 : n - 2;
        other >= FrameReader.FRAME_EDGES - 1;
        other -= 2) {
      if (clean.time(n - 1) - clean.time(other) > ANSWER_NS) {
        break;
      }
      if (clean.rising(other)
          && reader.read(clean, other, true, model, otherBytes)
          && !Arrays.equals(bytes, otherBytes)) {
        return DhtResult.fail(
            FailureReason.AMBIGUOUS,
            "two readings fit the capture: "
                + Arrays.toString(bytes)
                + " ending at the last edge and "
                + Arrays.toString(otherBytes)
                + " ending "
                + (n - 1 - other)
                + " edges before the last");
      }
    }
    return new DhtResult.Reading(
        model,
        bytes,
        DhtValues.humidityTenths(model, bytes) / 10.0,
        DhtValues.temperatureTenths(model, bytes) / 10.0);
  }
}
