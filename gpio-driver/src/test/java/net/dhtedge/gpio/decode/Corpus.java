package net.dhtedge.gpio.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.trace.TraceFile;

/** The shared trace corpus (system property {@code dht.traces.dir}); fails loudly if missing. */
final class Corpus {

  /** One trace with what its manifest says the sensor sent. */
  record Entry(
      String folder,
      String file,
      String category,
      DhtModel model,
      int[] bytes,
      boolean mustDecode,
      TraceFile trace) {}

  static final List<String> FOLDERS = List.of("real", "synthetic");

  private static List<Entry> cached;

  private Corpus() {}

  static Path root() {
    String dir = System.getProperty("dht.traces.dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "system property dht.traces.dir is not set (the root pom's surefire config sets it)");
    }
    Path root = Path.of(dir);
    if (!Files.isDirectory(root.resolve("real")) || !Files.isDirectory(root.resolve("synthetic"))) {
      throw new IllegalStateException(
          "the DHT trace corpus is missing: expected real/ and synthetic/ under "
              + root.toAbsolutePath());
    }
    return root;
  }

  static synchronized List<Entry> entries() {
    if (cached == null) {
      cached = List.copyOf(load());
    }
    return cached;
  }

  private static List<Entry> load() {
    Path root = root();
    ObjectMapper json = new ObjectMapper();
    List<Entry> all = new ArrayList<>();
    try {
      for (String folder : FOLDERS) {
        JsonNode manifest = json.readTree(root.resolve(folder).resolve("manifest.json").toFile());
        for (JsonNode e : manifest) {
          int[] bytes = new int[5];
          for (int i = 0; i < 5; i++) {
            bytes[i] = e.get("bytes").get(i).asInt();
          }
          String file = e.get("file").asText();
          all.add(
              new Entry(
                  folder,
                  file,
                  e.get("category").asText(),
                  DhtModel.parse(e.get("model").asText()),
                  bytes,
                  e.get("must_decode").asBoolean(),
                  TraceFile.read(root.resolve(folder).resolve(file))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trace corpus under " + root, e);
    }
    if (all.size() < 100) {
      throw new IllegalStateException("the trace corpus holds only " + all.size() + " traces");
    }
    return all;
  }
}
