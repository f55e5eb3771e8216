package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's {@code --help}, read the way a user reads it: at 80 columns. */
class HelpTextTest {
  private static final int WIDTH = 80;

  /** Every command and sub-command, by its full name ("config check"). */
  private static Map<String, CommandLine> commands() {
    Map<String, CommandLine> out = new LinkedHashMap<>();
    collect("", new CommandLine(new Main()), out);
    return out;
  }

  private static void collect(String prefix, CommandLine cl, Map<String, CommandLine> out) {
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      String name = (prefix + " " + e.getKey()).trim();
      out.put(name, e.getValue());
      collect(name, e.getValue(), out);
    }
  }

  private static String usage(CommandLine cl) {
    StringWriter out = new StringWriter();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(picocliWarnings, true));
    try {
      cl.setUsageHelpWidth(WIDTH);
      cl.usage(new PrintWriter(out, true));
    } finally {
      System.setErr(originalErr);
    }
    assertThat(picocliWarnings.toString()).doesNotContain("Could not format");
    return out.toString();
  }

  /** All the text the help is made of, as written in the code, one string. */
  private static String source(CommandSpec spec) {
    List<String> parts = new ArrayList<>(List.of(spec.usageMessage().description()));
    for (OptionSpec o : spec.options()) {
      parts.addAll(List.of(o.description()));
    }
    spec.positionalParameters().forEach(p -> parts.addAll(List.of(p.description())));
    return String.join(" ", parts);
  }

  @Test
  void everyCommandPrintsItsHelpWithoutFormatWarnings() {
    assertThat(commands()).isNotEmpty();
    usage(new CommandLine(new Main()));
    commands().forEach((name, cl) -> assertThat(usage(cl)).as(name).contains("Usage:"));
  }

  @Test
  void everyHelpLineFitsInEightyColumns() {
    commands()
        .forEach(
            (name, cl) -> {
              for (String line : usage(cl).split("\n")) {
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(WIDTH);
              }
            });
  }

  @Test
  void noHelpLineEndsInTheMiddleOfAWordOrANumber() {
    Pattern token = Pattern.compile("\\S+");
    commands()
        .forEach(
            (name, cl) -> {
              String src = source(cl.getCommandSpec());
              String[] lines = usage(cl).split("\n");
              for (int i = 0; i + 1 < lines.length; i++) {
                String a = lines[i].stripTrailing();
                String b = lines[i + 1].strip();
                if (a.isEmpty() || b.isEmpty() || a.endsWith(" ")) {
                  continue;
                }
                String last = a.substring(a.lastIndexOf(' ') + 1);
                var m = token.matcher(b);
                String first = m.find() ? m.group() : "";
                // Written together in the source, printed apart: the wrap split a word.
                boolean splitInSource =
                    src.contains(last + first) && !src.contains(last + " " + first);
                assertThat(splitInSource)
                    .as("%s: '%s' | '%s' was one word in the source", name, last, first)
                    .isFalse();
              }
            });
  }

  @Test
  void everyCommandSummaryIsAFullSentence() {
    commands()
        .forEach(
            (name, cl) -> {
              String[] d = cl.getCommandSpec().usageMessage().description();
              assertThat(d).as(name).isNotEmpty();
              String summary = d[0].strip();
              assertThat(summary).as(name).matches("[A-Z].*[.]");
            });
    // The list in the top-level help shows each summary whole (wrapped, never cut).
    String top = usage(new CommandLine(new Main()));
    String list = top.substring(top.indexOf("Commands:") + "Commands:".length());
    Map<String, String> shown = new LinkedHashMap<>();
    String current = null;
    for (String line : list.split("\n")) {
      var entry = Pattern.compile("^  ([a-z-]+)\\s+(.*)$").matcher(line);
      if (entry.matches()) {
        current = entry.group(1);
        shown.put(current, entry.group(2).strip());
      } else if (current != null && !line.isBlank()) {
        shown.merge(current, line.strip(), (x, y) -> x + " " + y);
      }
    }
    commands().entrySet().stream()
        .filter(e -> !e.getKey().contains(" "))
        .forEach(
            e ->
                assertThat(shown.get(e.getKey()))
                    .as(e.getKey())
                    .isEqualTo(
                        e.getValue().getCommandSpec().usageMessage().description()[0].strip()));
  }

  @Test
  void eachCommandOffersOnlyTheOptionsItUses() {
    Map<String, Set<String>> expected =
        Map.of(
            "run",
            Set.of("--config", "--data-dir", "--broker", "--http-port", "--sensor", "--store"),
            "demo",
            Set.of("--config", "--data-dir", "--broker", "--http-port", "--sensor"),
            "listen",
            Set.of("--config", "--data-dir", "--broker", "--http-port", "--store"),
            "hub",
            Set.of("--config", "--data-dir", "--broker", "--http-port", "--store", "--group"),
            "mail-test",
            Set.of("--config", "--data-dir", "--to"),
            "config check",
            Set.of("--config", "--data-dir"));
    Set<String> standard = Set.of("--help", "--version", "--exit-after");
    expected.forEach(
        (name, want) -> {
          Set<String> got = new TreeSet<>();
          for (OptionSpec o : commands().get(name).getCommandSpec().options()) {
            if (!standard.contains(o.longestName())) {
              got.add(o.longestName());
            }
          }
          assertThat(got).as(name).containsExactlyInAnyOrderElementsOf(want);
        });
  }
}
