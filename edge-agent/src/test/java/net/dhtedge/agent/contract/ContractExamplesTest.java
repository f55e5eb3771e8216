package net.dhtedge.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract's examples: the files under src/test/resources/contract and the json blocks of
 * docs/mqtt.md. Each must be classified as its name or its doc comment says, and every example file
 * must appear in the doc, so neither can drift.
 */
class ContractExamplesTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T22:00:05Z");
  static final Pattern BLOCK =
      Pattern.compile("(?:<!-- expect: ([a-z -]+) -->\\n)?```json\\n(.*?)\\n```", Pattern.DOTALL);

  final ReadingParser parser = new ReadingParser("default");

  record Example(String name, String expect, String json) {}

  static Path resources() throws URISyntaxException {
    return Path.of(ContractExamplesTest.class.getResource("/contract").toURI());
  }

  static List<Example> files() throws Exception {
    List<Example> out = new ArrayList<>();
    for (String kind : List.of("valid", "invalid")) {
      try (Stream<Path> s = Files.list(resources().resolve(kind))) {
        for (Path p : s.sorted().toList()) {
          String name = p.getFileName().toString();
          String expect =
              kind.equals("valid") ? "accepted" : "reject " + name.substring(0, name.indexOf("--"));
          out.add(new Example(kind + "/" + name, expect, Files.readString(p).strip()));
        }
      }
    }
    return out;
  }

  static List<Example> docBlocks() throws IOException {
    Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/mqtt.md").normalize();
    String text = Files.readString(doc);
    List<Example> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      out.add(new Example("docs/mqtt.md block " + (out.size() + 1), m.group(1), m.group(2)));
    }
    return out;
  }

  void check(Example e) {
    assertThat(e.expect()).as(e.name() + " needs an <!-- expect: ... --> comment").isNotNull();
    ParseResult r =
        parser.parse(e.json().getBytes(java.nio.charset.StandardCharsets.UTF_8), RECEIVED);
    if (e.expect().equals("accepted")) {
      assertThat(r).as(e.name() + ": " + e.json()).isInstanceOf(ParseResult.Accepted.class);
    } else if (e.expect().startsWith("reject ")) {
      RejectReason want = RejectReason.ofId(e.expect().substring("reject ".length()));
      assertThat(r)
          .as(e.name() + ": " + e.json())
          .isInstanceOfSatisfying(
              ParseResult.Reject.class, rej -> assertThat(rej.reason()).isEqualTo(want));
    } else {
      assertThat(e.expect()).as(e.name()).isEqualTo("json");
      try {
        JsonNode n = new ObjectMapper().readTree(e.json());
        assertThat(n.isObject()).as(e.name()).isTrue();
      } catch (IOException ex) {
        throw new AssertionError(e.name() + " is not valid JSON: " + ex.getMessage(), ex);
      }
    }
  }

  @Test
  void everyExampleFileIsClassifiedAsItsNameSays() throws Exception {
    List<Example> files = files();
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    files.forEach(this::check);
  }

  @Test
  void everyJsonBlockInTheDocIsClassifiedAsItsCommentSays() throws Exception {
    List<Example> blocks = docBlocks();
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(20);
    blocks.forEach(this::check);
  }

  @Test
  void everyExampleFileAppearsInTheDocWithTheSameExpectation() throws Exception {
    List<Example> blocks = docBlocks();
    for (Example f : files()) {
      assertThat(blocks)
          .as(f.name() + " must be in docs/mqtt.md")
          .anySatisfy(
              b -> {
                assertThat(b.json()).isEqualTo(f.json());
                assertThat(b.expect()).isEqualTo(f.expect());
              });
    }
  }

  @Test
  void everyPayloadRejectReasonButTooLargeHasAnExample() throws Exception {
    List<String> expects = files().stream().map(Example::expect).toList();
    for (RejectReason r : RejectReason.values()) {
      // too-many-devices is about the agent's device limit, not the payload: no example payload
      if (r != RejectReason.TOO_LARGE && r != RejectReason.TOO_MANY_DEVICES) {
        assertThat(expects).as(r.id()).contains("reject " + r.id());
      }
    }
  }
}
