package net.dhtedge.gpio.sim;

import java.time.Clock;
import java.util.Objects;
import net.dhtedge.gpio.DhtModel;

/**
 * Options of the simulated sensor.
 *
 * @param model the data format the simulated sensor sends
 * @param trajectory the true climate over time
 * @param faults what the simulated recorder does wrong
 * @param seed seeds every random choice: same seed, same reads
 * @param maxClockDrift the simulated part's oscillator error, 0..0.3 (0.05 = up to 5 %)
 * @param pulseJitterNs how much each pulse wobbles on the wire
 * @param clock where "now" comes from (tests pass a controllable clock)
 */
public record SimOptions(
    DhtModel model,
    Trajectory trajectory,
    SimFaults faults,
    long seed,
    double maxClockDrift,
    long pulseJitterNs,
    Clock clock) {

  public SimOptions {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(trajectory, "trajectory");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(clock, "clock");
    if (!(maxClockDrift >= 0 && maxClockDrift <= 0.3)) {
      throw new IllegalArgumentException("maxClockDrift must be in 0..0.3, was " + maxClockDrift);
    }
    if (pulseJitterNs < 0 || pulseJitterNs > 10_000) {
      throw new IllegalArgumentException("pulseJitterNs must be in 0..10000, was " + pulseJitterNs);
    }
  }

  /** A healthy sensor at 21.5 degC / 45 %RH: no capture faults, 5 % drift, 2 us pulse wobble. */
  public static SimOptions defaults(DhtModel model) {
    return new SimOptions(
        model, Trajectory.steady(21.5, 45.0), SimFaults.NONE, 1L, 0.05, 2_000, Clock.systemUTC());
  }

  public SimOptions withTrajectory(Trajectory t) {
    return new SimOptions(model, t, faults, seed, maxClockDrift, pulseJitterNs, clock);
  }

  public SimOptions withFaults(SimFaults f) {
    return new SimOptions(model, trajectory, f, seed, maxClockDrift, pulseJitterNs, clock);
  }

  public SimOptions withSeed(long s) {
    return new SimOptions(model, trajectory, faults, s, maxClockDrift, pulseJitterNs, clock);
  }

  public SimOptions withClock(Clock c) {
    return new SimOptions(model, trajectory, faults, seed, maxClockDrift, pulseJitterNs, c);
  }
}
