package net.dhtedge.agent.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import net.dhtedge.agent.config.LoadedConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code edge-agent config check}: validates the configuration without starting anything. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Work with the configuration file.",
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints {@code ok} (exit 0) or every problem (exit 2). */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate the configuration and print ok or every problem.",
        "Reads the file named by --config (or the default one) with the data dir given."
      })
  public static final class Check implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      Optional<LoadedConfig> loaded = config.load(spec.commandLine().getErr());
      if (loaded.isEmpty()) {
        return ConfigOptions.EXIT_CONFIG;
      }
      String from = loaded.get().source().map(p -> p.toString()).orElse("built-in defaults");
      spec.commandLine().getOut().println("ok: " + from);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
