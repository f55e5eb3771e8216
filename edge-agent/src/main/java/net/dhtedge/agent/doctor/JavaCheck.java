package net.dhtedge.agent.doctor;

import java.util.List;
import net.dhtedge.agent.config.AgentConfig;

/** The running Java must be 21 or newer (the agent is compiled for 21). */
public final class JavaCheck extends Check {

  static final int MINIMUM = 21;

  public JavaCheck(DoctorEnv env) {
    super("java", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    int v = env.javaFeature().getAsInt();
    if (v < MINIMUM) {
      return List.of(
          Finding.fail(
              name(),
              "Java " + v + " is too old; the agent needs " + MINIMUM + " or newer",
              "sudo apt install openjdk-21-jre-headless (or Temurin 21), or set JAVA_HOME"));
    }
    return List.of(Finding.ok(name(), "Java " + v + " (" + MINIMUM + " or newer needed)"));
  }
}
