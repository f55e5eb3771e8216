package net.dhtedge.gpio.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoryTest {
  @TempDir Path dir;

  @Test
  void theDailySineIsColdestAtTheStartAndWarmestAtNoonWithHumidityOpposite() {
    Trajectory t = Trajectory.dailySine(20, 5, 50, 10);
    assertThat(t.at(Duration.ZERO)).isEqualTo(new Climate(15, 60));
    Climate noon = t.at(Duration.ofHours(12));
    assertThat(noon.temperature()).isCloseTo(25, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(noon.humidity()).isCloseTo(40, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(t.at(Duration.ofDays(1))).isEqualTo(t.at(Duration.ZERO));
  }

  @Test
  void stepsHoldUntilTheNextStep() {
    Trajectory t =
        Trajectory.steps(
            List.of(
                new StepTrajectory.Step(Duration.ofMinutes(5), new Climate(30, 70)),
                new StepTrajectory.Step(Duration.ZERO, new Climate(20, 40))));
    assertThat(t.at(Duration.ofMinutes(4))).isEqualTo(new Climate(20, 40));
    assertThat(t.at(Duration.ofMinutes(5))).isEqualTo(new Climate(30, 70));
    assertThat(t.at(Duration.ofDays(3))).isEqualTo(new Climate(30, 70));
  }

  @Test
  void aCsvScriptIsInterpolatedAndHeldAfterItsLastRow() throws Exception {
    Path csv = dir.resolve("script.csv");
    Files.writeString(csv, "offset_s,temperature,humidity\n# warm-up\n0,20,40\n60,26,46\n");
    Trajectory t = Trajectory.csv(csv);
    assertThat(t.at(Duration.ofSeconds(30))).isEqualTo(new Climate(23, 43));
    assertThat(t.at(Duration.ofHours(1))).isEqualTo(new Climate(26, 46));
  }

  @Test
  void aBrokenCsvRowIsReportedWithItsLineNumber() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "0,20,40\n10,abc,40\n");
    assertThatThrownBy(() -> Trajectory.csv(csv))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.csv:2");
  }

  @Test
  void faultSpecsParseAndUnknownNamesAreRefused() {
    SimFaults f = SimFaults.parse("jitter=2us,late=0.5:300us,poll=4us,no-response=0.1");
    assertThat(f.jitterNs()).isEqualTo(2_000);
    assertThat(f.lateStartProbability()).isEqualTo(0.5);
    assertThat(f.lateStartMaxNs()).isEqualTo(300_000);
    assertThat(f.pollQuantumNs()).isEqualTo(4_000);
    assertThat(f.noResponseProbability()).isEqualTo(0.1);
    assertThatThrownBy(() -> SimFaults.parse("gremlins=1"))
        .hasMessageContaining("unknown fault 'gremlins'");
  }
}
