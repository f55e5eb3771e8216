package net.dhtedge.agent.contract;

/** Why a reading payload was rejected; {@link #id()} is the contract's reason id. */
public enum RejectReason {
  TOO_LARGE("too-large"),
  NOT_JSON("not-json"),
  NOT_OBJECT("not-object"),
  MISSING_FIELD("missing-field"),
  WRONG_TYPE("wrong-type"),
  NOT_FINITE("not-finite"),
  OUT_OF_RANGE("out-of-range"),
  BAD_DEVICE_ID("bad-device-id"),
  BAD_TS("bad-ts"),
  BAD_SEQ("bad-seq"),
  /** A valid reading of a new device while the store has its device limit already. */
  TOO_MANY_DEVICES("too-many-devices");

  private final String id;

  RejectReason(String id) {
    this.id = id;
  }

  /** The reason id as written in the contract, e.g. {@code too-large}. */
  public String id() {
    return id;
  }

  /** The reason with this contract id. */
  public static RejectReason ofId(String id) {
    for (RejectReason r : values()) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no reject reason " + id);
  }
}
