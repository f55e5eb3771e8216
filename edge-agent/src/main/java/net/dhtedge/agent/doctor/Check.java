package net.dhtedge.agent.doctor;

import java.util.List;
import net.dhtedge.agent.config.AgentConfig;

/**
 * One diagnosis. A check reads the machine only through its {@link DoctorEnv}, so a test can lay
 * out a fake {@code /sys} or {@code /dev} in a temp dir and see every failure it reports.
 */
public abstract class Check {

  private final String name;

  /** The machine as the check sees it. */
  protected final DoctorEnv env;

  protected Check(String name, DoctorEnv env) {
    this.name = name;
    this.env = env;
  }

  /** The name printed in the report's second column. */
  public final String name() {
    return name;
  }

  /**
   * Runs the check. Never throws for a problem it diagnoses: that is a {@link Finding} with status
   * FAIL and a fix.
   *
   * @param config the validated configuration
   * @return at least one finding
   */
  public abstract List<Finding> run(AgentConfig config);
}
