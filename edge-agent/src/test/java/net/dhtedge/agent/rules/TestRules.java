package net.dhtedge.agent.rules;

import java.time.Duration;
import java.util.Map;

/** Rules options for engine tests, written out (the config's defaults have no thresholds). */
public final class TestRules {

  private TestRules() {}

  /**
   * 10..30 °C (hysteresis 0.5) and 20..80 %RH (2), debounce 3, devices expected every 30 s and
   * stale after 5 intervals (150 s), sensor failure above 20 % of at least 10 attempts over 5 min,
   * resolved at 10 %: what {@code TestRules.classic()} gave before it became the bind of an empty
   * {@code rules:} section.
   */
  public static RulesOptions classic() {
    return new RulesOptions(
        new Threshold(10.0, 30.0, 0.5),
        new Threshold(20.0, 80.0, 2.0),
        3,
        Duration.ZERO,
        Duration.ofSeconds(30),
        5,
        20.0,
        10.0,
        Duration.ofMinutes(5),
        10,
        Map.of());
  }
}
