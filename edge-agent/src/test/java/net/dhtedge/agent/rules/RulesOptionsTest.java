package net.dhtedge.agent.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;
import org.junit.jupiter.api.Test;

class RulesOptionsTest {

  static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  final RulesOptions options =
      Records.with(
          TestRules.classic(),
          "temperature",
          new Threshold(5.0, 30.0, 0.5),
          "humidity",
          new Threshold(20.0, 80.0, 2.0),
          "devices",
          Map.of("cellar", new DeviceRules(new Threshold(null, 15.0, 1.0), null, null)));

  static Reading reading(String device, double t, double h) {
    return new Reading(device, T0, 1L, t, h, "mqtt");
  }

  @Test
  void onlyReadingsBeyondOrWithinHysteresisOfALimitAreNearOrOutsideTheBand() {
    assertThat(options.nearOrOutsideBand(reading("d", 21.0, 50.0))).isFalse();
    assertThat(options.nearOrOutsideBand(reading("d", 29.5, 50.0))).isFalse();
    assertThat(options.nearOrOutsideBand(reading("d", 29.6, 50.0))).isTrue();
    assertThat(options.nearOrOutsideBand(reading("d", 31.0, 50.0))).isTrue();
    assertThat(options.nearOrOutsideBand(reading("d", 5.4, 50.0))).isTrue();
    assertThat(options.nearOrOutsideBand(reading("d", 21.0, 78.5))).isTrue();
    assertThat(options.nearOrOutsideBand(reading("d", 21.0, 21.0))).isTrue();
  }

  @Test
  void aDevicesOwnBandIsUsedAndAMissingLimitNeverCounts() {
    assertThat(options.nearOrOutsideBand(reading("cellar", 14.5, 50.0))).isTrue();
    assertThat(options.nearOrOutsideBand(reading("cellar", 13.0, 50.0))).isFalse();
    assertThat(options.nearOrOutsideBand(reading("cellar", -30.0, 50.0)))
        .as("no minimum for the cellar")
        .isFalse();
    RulesOptions none =
        Records.with(
            TestRules.classic(), "temperature", Threshold.none(), "humidity", Threshold.none());
    assertThat(none.nearOrOutsideBand(reading("d", 79.0, 99.0))).isFalse();
  }
}
