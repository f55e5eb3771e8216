package net.dhtedge.agent.cli;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --exit-after DURATION}, shared by run, listen and demo (a picocli mixin). */
final class ExitAfterOption {
  @Option(
      names = "--exit-after",
      paramLabel = "DURATION",
      description = "Stop by itself after this long (e.g. 30s); for scripts and tests.")
  String exitAfter;

  /** The duration, or null when the option was not given; a usage error when it is not one. */
  Duration parse(CommandLine.Model.CommandSpec spec) {
    return RunCommand.parseExitAfter(spec, exitAfter);
  }
}
