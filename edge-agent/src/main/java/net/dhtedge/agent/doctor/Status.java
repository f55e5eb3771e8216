package net.dhtedge.agent.doctor;

/** How a check came out. The labels are what {@code edge-agent doctor} prints. */
public enum Status {
  OK("ok"),
  WARN("warn"),
  FAIL("FAIL");

  private final String label;

  Status(String label) {
    this.label = label;
  }

  /** {@code ok}, {@code warn} or {@code FAIL} (upper case so a failure stands out). */
  public String label() {
    return label;
  }
}
