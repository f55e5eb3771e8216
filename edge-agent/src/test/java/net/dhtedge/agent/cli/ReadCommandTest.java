package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadCommandTest {

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void theSimulatorReadsTwiceAndPrintsEachValueAndASummary() {
    CliRun r =
        run(
            "read",
            "--backend",
            "sim",
            "--model",
            "dht22",
            "--count",
            "2",
            "--sim-trajectory",
            "steady:-3.25,61.04");
    assertThat(r.exit()).isZero();
    assertThat(r.lines()).hasSize(4);
    assertThat(r.lines().get(0)).startsWith("reading sim dht22").endsWith("2x every 2.0 s");
    assertThat(r.lines().subList(1, 3))
        .allSatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\S+Z  ok    -3\\.3 degC  61\\.0 %RH  bytes=.*"));
    assertThat(r.lines().get(3)).isEqualTo("2 reads: 2 ok (100 %)");
  }

  @Test
  void aSensorThatNeverAnswersPrintsTheReasonAndExitsOne() {
    CliRun r = run("read", "--backend", "sim", "--count", "1", "--sim-faults", "no-response=1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines().get(1)).contains("  FAIL  no-response: ");
    assertThat(r.lines().get(2)).isEqualTo("1 reads: 0 ok (0 %), failed: no-response=1");
  }

  @Test
  void framesWithLostEdgesNeverPrintAValue() {
    CliRun r = run("read", "--backend", "sim", "--count", "1", "--sim-faults", "lost=1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines().get(1)).contains("FAIL").doesNotContain("degC");
  }

  @Test
  void aMissingGpioChipIsOneClearLineAndExitOne() {
    CliRun r = run("read", "--backend", "gpiod", "--chip", "gpiochip9", "--count", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .startsWith("edge-agent read: cannot open /dev/gpiochip9: no such device")
        .doesNotContain("\n");
  }

  @Test
  void anIntervalBelowTheModelsMinimumIsAUsageError() {
    CliRun r = run("read", "--backend", "sim", "--model", "dht22", "--interval", "1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("shorter than the dht22 minimum of 2000 ms");
  }

  @Test
  void anUnknownBackendIsAUsageError() {
    CliRun r = run("read", "--backend", "spi");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown backend 'spi'");
  }
}
