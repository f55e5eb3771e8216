package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadCommandTest {

  record Run(int exit, List<String> lines, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Main.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(
        exit,
        o.toString(StandardCharsets.UTF_8).lines().toList(),
        e.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theSimulatorReadsTwiceAndPrintsEachValueAndASummary() {
    Run r =
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
    Run r = run("read", "--backend", "sim", "--count", "1", "--sim-faults", "no-response=1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines().get(1)).contains("  FAIL  no-response: ");
    assertThat(r.lines().get(2)).isEqualTo("1 reads: 0 ok (0 %), failed: no-response=1");
  }

  @Test
  void framesWithLostEdgesNeverPrintAValue() {
    Run r = run("read", "--backend", "sim", "--count", "1", "--sim-faults", "lost=1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines().get(1)).contains("FAIL").doesNotContain("degC");
  }

  @Test
  void aMissingGpioChipIsOneClearLineAndExitOne() {
    Run r = run("read", "--backend", "gpiod", "--chip", "gpiochip9", "--count", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .startsWith("edge-agent read: cannot open /dev/gpiochip9: no such device")
        .doesNotContain("\n");
  }

  @Test
  void anIntervalBelowTheModelsMinimumIsAUsageError() {
    Run r = run("read", "--backend", "sim", "--model", "dht22", "--interval", "1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("shorter than the dht22 minimum of 2000 ms");
  }

  @Test
  void anUnknownBackendIsAUsageError() {
    Run r = run("read", "--backend", "spi");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown backend 'spi'");
  }
}
