package net.dhtedge.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void everyDocumentedUnitParses() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("2s")).contains(Duration.ofSeconds(2));
    assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.parse("30d")).contains(Duration.ofDays(30));
    assertThat(Durations.parse("0")).contains(Duration.ZERO);
  }

  @Test
  void anythingElseIsRejected() {
    for (String bad : new String[] {"2", "1.5s", "-1s", "2 sec", "PT2S", "5M", "1w", "", "s"}) {
      assertThat(Durations.parse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void formattingUsesTheLargestExactUnit() {
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofDays(1825))).isEqualTo("1825d");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }
}
