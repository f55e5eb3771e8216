package net.dhtedge.gpio.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Runs this module's decoder and the common algorithms over the whole corpus and writes the
 * comparison table to {@code target/decoder-comparison.md}. Asserts our bar, so it can fail.
 */
class DecoderComparisonTest {

  /** Counts for one algorithm. */
  static final class Tally {
    final Map<String, int[]> recovered = new TreeMap<>(); // group -> {decoded, must_decode}
    final Map<String, Integer> failures = new TreeMap<>(); // reason id -> count
    final List<String> wrong = new ArrayList<>();

    void count(String group, boolean ok) {
      int[] v = recovered.computeIfAbsent(group, g -> new int[2]);
      v[0] += ok ? 1 : 0;
      v[1]++;
    }

    double percent(String group) {
      int[] v = recovered.get(group);
      return v == null || v[1] == 0 ? Double.NaN : 100.0 * v[0] / v[1];
    }
  }

  private static final Baselines.Algorithm OURS =
      new Baselines.Algorithm() {
        private final DhtDecoder decoder = new DhtDecoder();

        @Override
        public String name() {
          return "**dht-edge DhtDecoder**";
        }

        @Override
        public DhtResult decode(DhtModel model, EdgeBuffer edges) {
          return decoder.decode(model, edges);
        }
      };

  /** Group prefix for traces whose frame is damaged (must_decode false). */
  private static final String DAMAGED = "damaged ";

  @Test
  void ourDecoderMeetsTheBarAndTheTableIsWritten() throws IOException {
    List<Baselines.Algorithm> algorithms = new ArrayList<>();
    algorithms.add(OURS);
    algorithms.addAll(Baselines.all());
    Map<String, Tally> tallies = new LinkedHashMap<>();
    TreeSet<String> categories = new TreeSet<>();
    TreeSet<String> damaged = new TreeSet<>();
    for (Baselines.Algorithm a : algorithms) {
      Tally t = new Tally();
      tallies.put(a.name(), t);
      for (Corpus.Entry e : Corpus.entries()) {
        DhtResult r = a.decode(e.model(), e.trace().edges());
        if (r instanceof DhtResult.Reading reading && !Arrays.equals(reading.bytes(), e.bytes())) {
          t.wrong.add(e.folder() + "/" + e.file() + " read " + Arrays.toString(reading.bytes()));
        }
        if (r instanceof DhtResult.Failure f) {
          t.failures.merge(f.reason().id(), 1, Integer::sum);
        }
        if (e.mustDecode()) {
          t.count(e.folder(), r.ok());
          t.count(e.folder() + "/" + e.category(), r.ok());
          categories.add(e.folder() + "/" + e.category());
        } else {
          boolean right =
              r instanceof DhtResult.Reading reading && Arrays.equals(reading.bytes(), e.bytes());
          t.count(DAMAGED + e.folder() + "/" + e.category(), right);
          damaged.add(DAMAGED + e.folder() + "/" + e.category());
        }
      }
    }
    String table = table(algorithms, tallies, categories, damaged);
    Path out = Path.of("target", "decoder-comparison.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.println(table);
    tallies.forEach((name, t) -> t.wrong.forEach(w -> System.out.println(name + " WRONG " + w)));

    Tally ours = tallies.get(OURS.name());
    assertThat(ours.wrong).as("wrong values accepted by our decoder").isEmpty();
    for (String folder : Corpus.FOLDERS) {
      assertThat(ours.percent(folder)).as("%s recovered %%", folder).isGreaterThanOrEqualTo(99.5);
      for (Baselines.Algorithm a : Baselines.all()) {
        assertThat(ours.percent(folder))
            .as("%s: ours vs %s", folder, a.name())
            .isGreaterThanOrEqualTo(tallies.get(a.name()).percent(folder));
      }
    }
  }

  private static String table(
      List<Baselines.Algorithm> algorithms,
      Map<String, Tally> tallies,
      TreeSet<String> groups,
      TreeSet<String> damaged) {
    StringBuilder md = new StringBuilder();
    md.append("Recovered `must_decode` frames (%), per folder and category:\n\n| frames |");
    for (Baselines.Algorithm a : algorithms) {
      md.append(' ').append(a.name()).append(" |");
    }
    md.append("\n|---|").append("---:|".repeat(algorithms.size())).append('\n');
    for (String folder : Corpus.FOLDERS) {
      row(md, "**" + folder + "/ (all)**", folder, algorithms, tallies);
      for (String g : groups) {
        if (g.startsWith(folder + "/")) {
          row(md, g, g, algorithms, tallies);
        }
      }
    }
    md.append(
            "| *damaged frames (must_decode false): % read as the true value, the rest refused"
                + " or wrong* |")
        .append(" |".repeat(algorithms.size()))
        .append('\n');
    for (String g : damaged) {
      row(md, g.substring(DAMAGED.length()), g, algorithms, tallies);
    }
    md.append("| wrong values accepted (all traces) |");
    for (Baselines.Algorithm a : algorithms) {
      md.append(' ').append(tallies.get(a.name()).wrong.size()).append(" |");
    }
    md.append("\n| failures by reason (all traces) |");
    for (Baselines.Algorithm a : algorithms) {
      StringBuilder f = new StringBuilder();
      tallies
          .get(a.name())
          .failures
          .forEach(
              (reason, n) ->
                  f.append(f.isEmpty() ? "" : ", ").append(reason).append(' ').append(n));
      md.append(' ').append(f).append(" |");
    }
    md.append('\n');
    return md.toString();
  }

  private static void row(
      StringBuilder md,
      String label,
      String group,
      List<Baselines.Algorithm> algorithms,
      Map<String, Tally> tallies) {
    int[] counts = tallies.get(algorithms.get(0).name()).recovered.get(group);
    md.append("| ").append(label).append(" (").append(counts[1]).append(") |");
    for (Baselines.Algorithm a : algorithms) {
      md.append(String.format(" %.1f |", tallies.get(a.name()).percent(group)));
    }
    md.append('\n');
  }
}
