package net.dhtedge.gpio.sim;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/** Holds each step's climate from its offset on; before the first step, the first step holds. */
public record StepTrajectory(List<Step> steps) implements Trajectory {

  /** From {@code offset} (since the simulator started) on, the air is {@code climate}. */
  public record Step(Duration offset, Climate climate) {}

  public StepTrajectory {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a step trajectory needs at least one step");
    }
    steps = steps.stream().sorted(Comparator.comparing(Step::offset)).toList();
  }

  @Override
  public Climate at(Duration elapsed) {
    Climate current = steps.get(0).climate();
    for (Step s : steps) {
      if (s.offset().compareTo(elapsed) > 0) {
        break;
      }
      current = s.climate();
    }
    return current;
  }
}
