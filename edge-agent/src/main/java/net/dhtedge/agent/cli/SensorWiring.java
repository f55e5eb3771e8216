package net.dhtedge.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.config.SensorConfig;
import net.dhtedge.agent.config.SimConfig;
import net.dhtedge.gpio.loop.BackendKind;
import net.dhtedge.gpio.loop.SensorOptions;
import net.dhtedge.gpio.sim.Climate;
import net.dhtedge.gpio.sim.SimFaults;
import net.dhtedge.gpio.sim.SimOptions;
import net.dhtedge.gpio.sim.SineTrajectory;
import net.dhtedge.gpio.sim.StepTrajectory;
import net.dhtedge.gpio.sim.Trajectory;

/** Maps the user's sensor configuration onto gpio-driver's options. */
final class SensorWiring {
  private SensorWiring() {}

  static SensorOptions toOptions(SensorConfig c) {
    BackendKind kind =
        switch (c.backend()) {
          case GPIOD -> BackendKind.GPIOD;
          case IIO -> BackendKind.IIO;
          case SIM -> BackendKind.SIM;
        };
    SensorOptions.Builder b =
        SensorOptions.builder(c.id(), c.model(), kind)
            .interval(c.interval())
            .spikeFilter(c.spikeFilter());
    if (c.pin() != null) {
      b.pin(c.pin());
    }
    if (c.chip() != null && kind == BackendKind.GPIOD) {
      b.chip(c.chip());
    }
    if (c.iioDevice() != null) {
      b.iioDevice(c.iioDevice());
    }
    if (kind == BackendKind.SIM) {
      b.sim(toSim(c));
    }
    return b.build();
  }

  private static SimOptions toSim(SensorConfig c) {
    SimConfig s = c.sim();
    SimOptions o = SimOptions.defaults(c.model()).withTrajectory(trajectory(s, c));
    // A damaged frame (lost edges) fails as the decoder sees it; a time-out is a silent sensor.
    o = o.withFaults(new SimFaults(0, 0, 0, 0, 0, 0, s.checksumFaultRate(), s.timeoutFaultRate()));
    if (s.seed() != null) {
      o = o.withSeed(s.seed());
    } else {
      o = o.withSeed(System.nanoTime());
    }
    return o;
  }

  private static Trajectory trajectory(SimConfig s, SensorConfig c) {
    return switch (s.trajectory()) {
      case STEADY -> Trajectory.steady(s.baseTemperature(), s.baseHumidity());
      case SINE ->
          new SineTrajectory(
              s.baseTemperature(),
              s.temperatureAmplitude(),
              s.baseHumidity(),
              s.humidityAmplitude(),
              s.period());
      case STEPS -> steps(s);
      case CSV -> {
        try {
          yield Trajectory.csv(s.csvFile());
        } catch (IOException e) {
          throw new UncheckedIOException(
              "sensor " + c.id() + ": cannot read sim csv_file " + s.csvFile(), e);
        }
      }
    };
  }

  /** Alternates base + amplitude and base - amplitude, one period each, for a day. */
  private static Trajectory steps(SimConfig s) {
    List<StepTrajectory.Step> steps = new ArrayList<>();
    Duration at = Duration.ZERO;
    for (int i = 0; i < 2 * 24 * 60 && at.compareTo(Duration.ofDays(1)) < 0; i++) {
      double sign = i % 2 == 0 ? 1 : -1;
      steps.add(
          new StepTrajectory.Step(
              at,
              new Climate(
                  s.baseTemperature() + sign * s.temperatureAmplitude(),
                  s.baseHumidity() + sign * s.humidityAmplitude())));
      at = at.plus(s.period());
    }
    return Trajectory.steps(steps);
  }
}
