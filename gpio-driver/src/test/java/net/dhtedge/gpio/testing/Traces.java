package net.dhtedge.gpio.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.EdgeBuffer;

/** The recorded trace corpus ({@code dht.traces.dir}), read the way its README describes. */
public final class Traces {
  private Traces() {}

  /** One manifest entry with its edges. */
  public record Trace(
      String file,
      String category,
      DhtModel model,
      int[] bytes,
      double humidity,
      double temperature,
      boolean mustDecode,
      long[] times,
      boolean[] rising) {

    public EdgeBuffer edges() {
      EdgeBuffer b = new EdgeBuffer(Math.max(1, times.length));
      for (int i = 0; i < times.length; i++) {
        b.add(times[i], rising[i]);
      }
      return b;
    }
  }

  public static Path dir() {
    String d = System.getProperty("dht.traces.dir");
    if (d == null) {
      throw new IllegalStateException("system property dht.traces.dir is not set");
    }
    return Path.of(d);
  }

  /** All entries of {@code real/} or {@code synthetic/}. */
  public static List<Trace> load(String subdir) {
    Path base = dir().resolve(subdir);
    try {
      JsonNode manifest = new ObjectMapper().readTree(base.resolve("manifest.json").toFile());
      List<Trace> out = new ArrayList<>();
      for (JsonNode e : manifest) {
        int[] bytes = new int[5];
        for (int i = 0; i < 5; i++) {
          bytes[i] = e.get("bytes").get(i).asInt();
        }
        List<Long> t = new ArrayList<>();
        List<Boolean> r = new ArrayList<>();
        for (String line :
            Files.readAllLines(base.resolve(e.get("file").asText()), StandardCharsets.UTF_8)) {
          String l = line.strip();
          if (l.isEmpty() || l.startsWith("#")) {
            continue;
          }
          String[] p = l.split("\\s+");
          t.add(Long.parseLong(p[0]));
          r.add(p[1].equals("R"));
        }
        boolean[] rising = new boolean[r.size()];
        for (int i = 0; i < rising.length; i++) {
          rising[i] = r.get(i);
        }
        out.add(
            new Trace(
                e.get("file").asText(),
                e.get("category").asText(),
                DhtModel.parse(e.get("model").asText()),
                bytes,
                e.get("expect").get("humidity").asDouble(),
                e.get("expect").get("temperature").asDouble(),
                e.get("must_decode").asBoolean(),
                t.stream().mapToLong(Long::longValue).toArray(),
                rising));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("reading traces under " + base, e);
    }
  }
}
