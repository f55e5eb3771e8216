package net.dhtedge.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import net.dhtedge.agent.config.ConfigException;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.config.LoadedConfig;
import net.dhtedge.agent.doctor.Doctor;
import net.dhtedge.agent.doctor.DoctorEnv;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent doctor}: checks the installation and explains each problem in one line with a
 * fix. Exit 0 when nothing failed, 1 when a check failed, 2 when the configuration is unusable.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check this machine and the configuration: Java, GPIO access, the dht11 overlay, clock,"
          + " disk space, SD write load, broker, TLS, SMTP.",
      "Each line: ok|warn|FAIL  check  message  (fix: ...). Exit 0: nothing failed; 1: something"
          + " failed; 2: usage or configuration error."
    })
public final class DoctorCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Option(
      names = "--sample-seconds",
      paramLabel = "S",
      defaultValue = "3",
      description = "How long to watch the disks' write load (1..60, default ${DEFAULT-VALUE}).")
  int sampleSeconds;

  @Option(
      names = "--timeout-seconds",
      paramLabel = "S",
      defaultValue = "5",
      description =
          "Network time-out of the broker, TLS and SMTP checks (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  private final DoctorEnv testEnv;
  private final ConfigLoader loader;

  /** The real machine. */
  public DoctorCommand() {
    this(null, new ConfigLoader());
  }

  /**
   * A doctor for another machine than this one: tests pass a fake machine and a loader with a fake
   * environment (the time-out and sample options are then those of {@code env}).
   */
  public DoctorCommand(DoctorEnv env, ConfigLoader loader) {
    this.testEnv = env;
    this.loader = loader;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (sampleSeconds < 1 || sampleSeconds > 60) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--sample-seconds: " + sampleSeconds + " is not in 1..60");
    }
    if (timeoutSeconds < 1 || timeoutSeconds > 120) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--timeout-seconds: " + timeoutSeconds + " is not in 1..120");
    }
    DoctorEnv env =
        testEnv != null
            ? testEnv
            : DoctorEnv.system(
                Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(sampleSeconds));
    Doctor doctor = new Doctor(env);
    Doctor.Report report;
    try {
      LoadedConfig loaded = loader.load(config.overrides());
      report = doctor.examine(loaded);
    } catch (ConfigException e) {
      report = doctor.examine(e);
    }
    out.print(json ? report.json() : report.text());
    out.flush();
    return report.exitCode();
  }
}
