package net.dhtedge.agent.cli;

import picocli.CommandLine;

/** Reports the version written into the jar's manifest by the build. */
public final class VersionProvider implements CommandLine.IVersionProvider {

  /** The agent's version, or {@code dev} when run from classes rather than the jar. */
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"edge-agent " + version()};
  }
}
