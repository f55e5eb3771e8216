package net.dhtedge.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What one in-process run of {@code edge-agent ARGS} printed and returned, for CLI tests. */
record CliRun(int exit, List<String> lines, String err) {

  static CliRun of(String... args) {
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
    return new CliRun(
        exit,
        o.toString(StandardCharsets.UTF_8).lines().toList(),
        e.toString(StandardCharsets.UTF_8));
  }
}
