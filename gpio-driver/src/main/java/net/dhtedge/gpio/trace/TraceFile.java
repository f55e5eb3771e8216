package net.dhtedge.gpio.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.EdgeBuffer;

/**
 * A recorded DHT capture in the corpus format: one edge a line, {@code <timestamp_ns> <R|F>},
 * {@code #} comments, an optional {@code # model: dht11|dht22} line, blank lines ignored.
 * Timestamps are integer nanoseconds, non-decreasing, with any origin.
 *
 * @param edges the edges in file order
 * @param model the model a {@code # model:} line names, if any
 */
public record TraceFile(EdgeBuffer edges, Optional<DhtModel> model) {

  /** Reads and parses a trace file. */
  public static TraceFile read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(in, file.toString());
    }
  }

  /** Parses trace text (for tests and tools). */
  public static TraceFile parse(String text) throws TraceFormatException {
    try {
      return parse(new BufferedReader(new StringReader(text)), "<text>");
    } catch (TraceFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }

  /**
   * Parses a trace from {@code in}; {@code source} names it in error messages.
   *
   * @throws TraceFormatException with the line number when a line is malformed
   */
  public static TraceFile parse(Reader in, String source) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    EdgeBuffer edges = new EdgeBuffer(128);
    DhtModel model = null;
    long previous = Long.MIN_VALUE;
    int lineNo = 0;
    String line;
    while ((line = lines.readLine()) != null) {
      lineNo++;
      String text = line.strip();
      if (text.isEmpty()) {
        continue;
      }
      if (text.startsWith("#")) {
        String comment = text.substring(1).strip();
        if (comment.regionMatches(true, 0, "model:", 0, 6)) {
          String name = comment.substring(6).strip();
          try {
            model = DhtModel.parse(name);
          } catch (IllegalArgumentException e) {
            throw new TraceFormatException(source, lineNo, e.getMessage());
          }
        }
        continue;
      }
      int space = indexOfWhitespace(text);
      if (space < 0) {
        throw new TraceFormatException(
            source, lineNo, "expected '<timestamp_ns> <R|F>', got '" + text + "'");
      }
      String stamp = text.substring(0, space);
      String kind = text.substring(space).strip();
      long t;
      try {
        t = Long.parseLong(stamp);
      } catch (NumberFormatException e) {
        throw new TraceFormatException(
            source, lineNo, "timestamp '" + stamp + "' is not an integer number of nanoseconds");
      }
      boolean rising;
      if (kind.equals("R")) {
        rising = true;
      } else if (kind.equals("F")) {
        rising = false;
      } else {
        throw new TraceFormatException(
            source, lineNo, "edge kind '" + kind + "' is neither R (rising) nor F (falling)");
      }
      if (t < previous) {
        throw new TraceFormatException(
            source, lineNo, "timestamp " + t + " is earlier than the previous one " + previous);
      }
      previous = t;
      edges.append(t, rising);
    }
    return new TraceFile(edges, Optional.ofNullable(model));
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
