package net.dhtedge.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of {@code bin/edge-agent}. Every sub-command registers here, in one list, so
 * a reader sees the whole command surface in one place.
 */
@Command(
    name = "edge-agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Edge gateway for DHT11/DHT22 temperature and humidity sensing.",
    subcommands = {
      CommandLine.HelpCommand.class,
      ConfigCommand.class,
      DecodeCommand.class,
      DoctorCommand.class,
      ReadCommand.class,
      RunCommand.class,
      DemoCommand.class,
      ListenCommand.class,
      HubCommand.class,
      PublishCommand.class,
      MailTestCommand.class,
      SimulateCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code; tests call this instead of main. */
  public static int execute(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
