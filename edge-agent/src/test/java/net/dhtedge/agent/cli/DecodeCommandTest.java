package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static Path corpus(String relative) {
    Path root = Path.of(System.getProperty("dht.traces.dir", "../../shared/dht11-traces"));
    Path p = root.resolve(relative);
    assertThat(p).as("corpus path (dht.traces.dir)").exists();
    return p;
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aRealDht11TracePrintsItsBytesAndDecimalValuesAsOneJsonLine() throws Exception {
    Path trace = corpus("real/rpidemo-pi3b-pigpio.trace");
    CliRun r = run("decode", trace.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.lines())
        .containsExactly(
            "{\"file\":\""
                + trace
                + "\",\"ok\":true,\"model\":\"dht11\",\"bytes\":[52,9,22,1,84],"
                + "\"humidity\":52.9,\"temperature\":22.1}");
  }

  @Test
  void filesArePrintedInOrderAndAFailedDecodeIsNotAProcessError() throws Exception {
    Path good = corpus("real/rpidemo-pi3b-pigpio.trace");
    Path lost = corpus("synthetic/lost-edges-dht11-0000.trace");
    Path negative = corpus("synthetic/late-start-dht11-0001.trace");
    CliRun r = run("decode", good.toString(), lost.toString(), negative.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.lines()).hasSize(3);
    JsonNode first = JSON.readTree(r.lines().get(0));
    JsonNode second = JSON.readTree(r.lines().get(1));
    JsonNode third = JSON.readTree(r.lines().get(2));
    assertThat(first.get("file").asText()).isEqualTo(good.toString());
    assertThat(second.get("file").asText()).isEqualTo(lost.toString());
    assertThat(second.get("ok").asBoolean()).isFalse();
    assertThat(second.get("error").asText()).isNotBlank();
    assertThat(second.get("detail").asText()).isNotBlank();
    assertThat(second.has("humidity")).isFalse();
    assertThat(third.get("temperature").decimalValue()).isEqualByComparingTo("-6.1");
    assertThat(third.get("humidity").decimalValue()).isEqualByComparingTo("75.0");
  }

  @Test
  void theModelLineSelectsTheFormatUnlessModelIsGiven() throws Exception {
    Path dht22 = corpus("real/am2302_1mhz-f00.trace");
    CliRun byFile = run("decode", dht22.toString());
    assertThat(JSON.readTree(byFile.lines().get(0)).get("model").asText()).isEqualTo("dht22");
    CliRun forced = run("decode", "--model", "dht11", dht22.toString());
    JsonNode line = JSON.readTree(forced.lines().get(0));
    assertThat(line.get("ok").asBoolean()).isFalse();
    assertThat(line.get("error").asText()).isEqualTo("implausible");
  }

  @Test
  void aMalformedOrMissingFileExitsTwoButTheOtherFilesAreStillPrinted() throws Exception {
    Path bad = write("bad.trace", "# model: dht11\n1000 R\n2000 X\n");
    Path missing = dir.resolve("missing.trace");
    Path good = corpus("real/rpidemo-pi3b-pigpio.trace");
    CliRun r = run("decode", bad.toString(), missing.toString(), good.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad.trace:3").contains("missing.trace");
    assertThat(r.lines()).hasSize(3);
    assertThat(JSON.readTree(r.lines().get(0)).get("error").asText()).isEqualTo("malformed");
    assertThat(JSON.readTree(r.lines().get(1)).get("error").asText()).isEqualTo("unreadable");
    assertThat(JSON.readTree(r.lines().get(2)).get("ok").asBoolean()).isTrue();
  }

  @Test
  void anUnknownModelIsAUsageErrorWithNothingOnStdout() {
    CliRun r = run("decode", "--model", "dht99", "x.trace");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.lines()).isEmpty();
    assertThat(r.err()).contains("dht99");
  }

  @Test
  void noFileIsAUsageError() {
    assertThat(run("decode").exit()).isEqualTo(2);
  }

  @Test
  void helpNamesTheDefaultModel() {
    CliRun r = run("decode", "--help");
    assertThat(r.exit()).isZero();
    assertThat(String.join("\n", r.lines())).contains("else dht11");
  }

  @Test
  void theWholeCorpusDecodesInOneCallWithOneLinePerFile() throws Exception {
    List<String> args = new ArrayList<>();
    args.add("decode");
    Path root = corpus("real").getParent();
    for (String folder : List.of("real", "synthetic")) {
      try (var s = Files.list(root.resolve(folder))) {
        s.filter(p -> p.toString().endsWith(".trace"))
            .sorted()
            .forEach(p -> args.add(p.toString()));
      }
    }
    CliRun r = run(args.toArray(String[]::new));
    assertThat(r.exit()).isZero();
    assertThat(r.lines()).hasSize(args.size() - 1);
    for (int i = 0; i < r.lines().size(); i++) {
      assertThat(JSON.readTree(r.lines().get(i)).get("file").asText()).isEqualTo(args.get(i + 1));
    }
  }
}
