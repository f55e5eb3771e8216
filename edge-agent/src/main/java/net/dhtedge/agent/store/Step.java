package net.dhtedge.agent.store;

/** Resolution of a history query. */
public enum Step {
  RAW("raw", 0),
  MINUTE("1m", 60_000),
  HOUR("1h", 3_600_000);

  private final String id;
  private final long millis;

  Step(String id, long millis) {
    this.id = id;
    this.millis = millis;
  }

  /** The API name: raw, 1m or 1h. */
  public String id() {
    return id;
  }

  /** Bucket width, 0 for raw. */
  public long millis() {
    return millis;
  }

  public static Step fromId(String id) {
    for (Step s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("step must be raw, 1m or 1h: " + id);
  }
}
