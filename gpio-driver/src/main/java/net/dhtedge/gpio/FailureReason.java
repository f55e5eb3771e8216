package net.dhtedge.gpio;

/** Why a read produced no value. The {@link #id()} is what logs, JSON and metrics show. */
public enum FailureReason {
  /** The sensor never answered the start pulse. */
  NO_RESPONSE("no-response"),
  /** Fewer edges arrived than a frame needs (lost edges, a loose wire, a late capture). */
  TOO_FEW_EDGES("too-few-edges"),
  /** Pulse widths that no DHT sends (noise, a second device, a broken frame). */
  TIMING("timing"),
  /** The five bytes decoded, but the checksum does not match. */
  CHECKSUM("checksum"),
  /** The checksum matched but the value is outside what the model can measure. */
  IMPLAUSIBLE("implausible"),
  /** The frame could be read in more than one way; refusing is the only honest answer. */
  AMBIGUOUS("ambiguous"),
  /** The GPIO chip or IIO device could not be opened (missing, permissions, busy). */
  ACCESS("access"),
  /** The backend timed out waiting for the sensor (kernel ETIMEDOUT, capture time-out). */
  TIMEOUT("timeout"),
  /** An I/O error from the kernel or the backend (EIO and friends). */
  IO("io"),
  /**
   * Two edges in the same direction inside the frame: the recorder lost at least one edge (a full
   * event queue, an overrun). The frame cannot be trusted.
   */
  LOST_EDGE("lost-edge");

  private final String id;

  FailureReason(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
