package net.dhtedge.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.clock.DriverClock;
import net.dhtedge.gpio.gpiod.CaptureStats;
import net.dhtedge.gpio.gpiod.GpiodBackend;
import net.dhtedge.gpio.loop.BackendKind;
import net.dhtedge.gpio.loop.BackendSetupException;
import net.dhtedge.gpio.loop.DhtBackends;
import net.dhtedge.gpio.loop.SensorOptions;
import net.dhtedge.gpio.sim.SimFaults;
import net.dhtedge.gpio.sim.SimOptions;
import net.dhtedge.gpio.sim.Trajectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent read}: reads a wired sensor K times and prints each outcome: the wiring check.
 */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads a DHT11/DHT22 a few times and prints one line per read, then a summary.",
      "  2026-03-01T12:00:00.123Z  ok    21.5 degC  45.0 %%RH  bytes=[1,194,0,215,152]",
      "  2026-03-01T12:00:02.125Z  FAIL  checksum: bytes do not add up",
      "Run this first after wiring a sensor. Exit status: 0 when at least one read gave a value,"
          + " 1 when none did (or the backend cannot be opened), 2 on a usage error."
    })
public final class ReadCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--backend",
      paramLabel = "gpiod|iio|sim",
      defaultValue = "gpiod",
      description =
          "gpiod: bit timing on the GPIO line (default); iio: kernel dht11 overlay;"
              + " sim: the built-in simulator.")
  String backend;

  @Option(
      names = "--pin",
      defaultValue = "4",
      description = "BCM GPIO number of the data line (default ${DEFAULT-VALUE}).")
  int pin;

  @Option(
      names = "--chip",
      defaultValue = "",
      paramLabel = "NAME",
      description =
          "GPIO chip, e.g. gpiochip0 (Pi 4, Pi 5 on current kernels) or gpiochip4 (Pi 5"
              + " on older kernels). Default: the Pi's pinctrl chip.")
  String chip;

  @Option(
      names = "--model",
      defaultValue = "dht11",
      paramLabel = "dht11|dht22",
      converter = ReadCommand.ModelConverter.class,
      description = "Sensor model (default ${DEFAULT-VALUE}).")
  DhtModel model;

  @Option(
      names = "--count",
      defaultValue = "5",
      paramLabel = "K",
      description = "How many reads (default ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--interval",
      paramLabel = "S",
      description =
          "Seconds between reads; default and minimum: the model's (dht11 1, dht22 2),"
              + " 2 for iio.")
  Double intervalSeconds;

  @Option(
      names = "--sim-faults",
      defaultValue = "none",
      paramLabel = "SPEC",
      description =
          // Short forced lines: picocli may wrap after a '.', which would split 0.1 in two.
          "Simulator capture faults, comma-separated,%n"
              + "e.g. jitter=2us,lost=0.1. Faults:%n"
              + "jitter=2us glitches=0.05 lost=0.1%n"
              + "no-response=0.1 late=0.2:200us%n"
              + "poll=4us spikes=0.01")
  String simFaults;

  @Option(
      names = "--sim-trajectory",
      defaultValue = "steady:21.5,45",
      paramLabel = "SPEC",
      description =
          "Simulated climate: steady:T,RH | sine (a day around 20 degC/50 %%RH) |"
              + " csv:FILE (offset_seconds,temperature,humidity).")
  String simTrajectory;

  @Option(names = "--sim-seed", defaultValue = "1", description = "Simulator random seed.")
  long simSeed;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SensorOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException | IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    DhtBackend backendInstance;
    try {
      backendInstance = DhtBackends.open(options);
    } catch (BackendSetupException e) {
      err.println("edge-agent read: " + e.getMessage());
      err.flush();
      return 1;
    }
    Map<FailureReason, Integer> failures = new EnumMap<>(FailureReason.class);
    int ok = 0;
    try (DhtBackend b = backendInstance) {
      out.println(
          "reading " + b.describe() + " " + count + "x every " + seconds(options.interval()));
      for (int i = 0; i < count; i++) {
        Instant started = Instant.now();
        DhtResult r = b.read();
        out.println(format(Instant.now(), r) + diagnostics(b));
        out.flush();
        if (r instanceof DhtResult.Failure f) {
          failures.merge(f.reason(), 1, Integer::sum);
        } else {
          ok++;
        }
        if (i + 1 < count) {
          Duration left = Duration.between(Instant.now(), started.plus(options.interval()));
          if (left.isPositive()) {
            DriverClock.SYSTEM.sleep(left);
          }
        }
      }
    }
    out.println(summary(count, ok, failures));
    out.flush();
    return ok > 0 ? 0 : 1;
  }

  private SensorOptions options() throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("--count must be >= 1, was " + count);
    }
    BackendKind kind = BackendKind.parse(backend);
    Duration interval = Duration.ofMillis(model.minIntervalMillis());
    if (kind == BackendKind.IIO && interval.compareTo(SensorOptions.IIO_MIN_INTERVAL) < 0) {
      interval = SensorOptions.IIO_MIN_INTERVAL;
    }
    if (intervalSeconds != null) {
      interval = Duration.ofMillis(Math.round(intervalSeconds * 1000));
    }
    SimOptions sim =
        SimOptions.defaults(model)
            .withFaults(SimFaults.parse(simFaults))
            .withTrajectory(trajectory(simTrajectory))
            .withSeed(simSeed);
    return SensorOptions.builder("cli", model, kind)
        .pin(pin)
        .chip(chip)
        .interval(interval)
        .sim(sim)
        .build();
  }

  static Trajectory trajectory(String spec) throws IOException {
    String s = spec.strip();
    if (s.equals("sine")) {
      return Trajectory.dailySine(20, 5, 50, 10);
    }
    if (s.startsWith("csv:")) {
      return Trajectory.csv(Path.of(s.substring(4)));
    }
    if (s.startsWith("steady:")) {
      String[] tv = s.substring(7).split(",");
      if (tv.length == 2) {
        return Trajectory.steady(Double.parseDouble(tv[0]), Double.parseDouble(tv[1]));
      }
    }
    throw new IllegalArgumentException(
        "--sim-trajectory must be steady:T,RH, sine or csv:FILE, was '" + spec + "'");
  }

  static String format(Instant at, DhtResult r) {
    String time = at.truncatedTo(ChronoUnit.MILLIS).toString();
    if (r instanceof DhtResult.Reading v) {
      int[] bytes = v.bytes();
      String raw =
          bytes.length == 0
              ? ""
              : "  bytes=["
                  + java.util.Arrays.stream(bytes)
                      .mapToObj(Integer::toString)
                      .collect(Collectors.joining(","))
                  + "]";
      return String.format(
          Locale.ROOT,
          "%s  ok    %.1f degC  %.1f %%RH%s",
          time,
          v.temperature(),
          v.humidity(),
          raw);
    }
    DhtResult.Failure f = (DhtResult.Failure) r;
    return time + "  FAIL  " + f.reason().id() + ": " + f.detail();
  }

  /** For gpiod: how many edges came and how long the line was unwatched after the release. */
  private static String diagnostics(DhtBackend b) {
    if (b instanceof GpiodBackend g && g.lastCapture() != null) {
      CaptureStats c = g.lastCapture();
      return String.format(
          Locale.ROOT, "  [edges=%d release-to-listen=%d us]", c.edges(), c.switchGapNs() / 1000);
    }
    return "";
  }

  static String summary(int total, int ok, Map<FailureReason, Integer> failures) {
    StringBuilder s =
        new StringBuilder(
            String.format(Locale.ROOT, "%d reads: %d ok (%.0f %%)", total, ok, 100.0 * ok / total));
    if (!failures.isEmpty()) {
      s.append(", failed: ")
          .append(
              failures.entrySet().stream()
                  .map(e -> e.getKey().id() + "=" + e.getValue())
                  .collect(Collectors.joining(" ")));
    }
    return s.toString();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static final class ModelConverter implements CommandLine.ITypeConverter<DhtModel> {
    @Override
    public DhtModel convert(String value) {
      try {
        return DhtModel.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
