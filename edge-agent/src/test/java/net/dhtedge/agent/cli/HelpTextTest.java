package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTextTest {

  @Test
  void everySubCommandPrintsItsHelpWithoutFormatWarnings() {
    CommandLine root = new CommandLine(new Main());
    assertThat(root.getSubcommands()).isNotEmpty();
    for (var entry : root.getSubcommands().entrySet()) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine sub = entry.getValue();
      sub.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
      java.io.PrintStream originalErr = System.err;
      java.io.ByteArrayOutputStream picocliWarnings = new java.io.ByteArrayOutputStream();
      System.setErr(new java.io.PrintStream(picocliWarnings, true));
      try {
        sub.usage(new PrintWriter(out, true));
      } finally {
        System.setErr(originalErr);
      }
      assertThat(out.toString()).as(entry.getKey()).contains("Usage:");
      assertThat(picocliWarnings.toString()).as(entry.getKey()).doesNotContain("Could not format");
    }
  }
}
