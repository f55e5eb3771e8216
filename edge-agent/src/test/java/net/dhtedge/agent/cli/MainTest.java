package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

  private static String captureStdout(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheSubCommandsAndExitsZero() {
    int[] code = new int[1];
    String out = captureStdout(() -> code[0] = Main.execute("--help"));
    assertThat(code[0]).isZero();
    assertThat(out).contains("Usage: edge-agent").contains("Commands:").contains("help");
  }

  @Test
  void anUnknownSubCommandIsAUsageErrorNotACrash() {
    assertThat(Main.execute("no-such-command")).isEqualTo(2);
  }
}
