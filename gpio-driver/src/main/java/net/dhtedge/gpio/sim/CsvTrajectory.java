package net.dhtedge.gpio.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A scripted trajectory from CSV rows, interpolated linearly; see {@link Trajectory#csv}. */
public final class CsvTrajectory implements Trajectory {
  private final long[] offsetsMillis;
  private final Climate[] climates;

  CsvTrajectory(long[] offsetsMillis, Climate[] climates) {
    this.offsetsMillis = offsetsMillis;
    this.climates = climates;
  }

  static CsvTrajectory load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return parse(lines, file.toString());
  }

  /**
   * Parses rows {@code offset_seconds,temperature,humidity}; {@code source} names them in errors.
   */
  public static CsvTrajectory parse(List<String> lines, String source) {
    List<Long> offsets = new ArrayList<>();
    List<Climate> values = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("[,;]");
      if (cells.length != 3) {
        throw new IllegalArgumentException(
            source + ":" + (i + 1) + ": expected offset_seconds,temperature,humidity: " + line);
      }
      try {
        long offset = Math.round(Double.parseDouble(cells[0].strip()) * 1000);
        Climate c =
            new Climate(Double.parseDouble(cells[1].strip()), Double.parseDouble(cells[2].strip()));
        if (!offsets.isEmpty() && offset < offsets.get(offsets.size() - 1)) {
          throw new IllegalArgumentException(
              source + ":" + (i + 1) + ": offsets must not go backwards: " + line);
        }
        offsets.add(offset);
        values.add(c);
      } catch (NumberFormatException e) {
        if (offsets.isEmpty() && values.isEmpty() && i == firstContentLine(lines)) {
          continue; // a header line
        }
        throw new IllegalArgumentException(source + ":" + (i + 1) + ": not a number: " + line, e);
      }
    }
    if (offsets.isEmpty()) {
      throw new IllegalArgumentException(source + ": no rows");
    }
    return new CsvTrajectory(
        offsets.stream().mapToLong(Long::longValue).toArray(), values.toArray(Climate[]::new));
  }

  private static int firstContentLine(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Climate at(Duration elapsed) {
    long t = elapsed.toMillis();
    if (t <= offsetsMillis[0]) {
      return climates[0];
    }
    for (int i = 1; i < offsetsMillis.length; i++) {
      if (t < offsetsMillis[i]) {
        double f = (double) (t - offsetsMillis[i - 1]) / (offsetsMillis[i] - offsetsMillis[i - 1]);
        Climate a = climates[i - 1];
        Climate b = climates[i];
        return new Climate(
            a.temperature() + f * (b.temperature() - a.temperature()),
            a.humidity() + f * (b.humidity() - a.humidity()));
      }
    }
    return climates[climates.length - 1];
  }
}
