package net.dhtedge.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dhtedge.agent.core.Records;
import net.dhtedge.gpio.DhtModel;
import org.junit.jupiter.api.Test;

/**
 * Keeps the example file and docs/configuration.md honest: the example is valid and shows the
 * defaults, it uses every key the loader accepts, and the docs name every key.
 */
class ExampleAndDocsTest {

  private static final String DEVICE = "<device-id>";

  private final ConfigLoader loader =
      new ConfigLoader(Map.<String, String>of()::get, () -> "example-host", Path.of("."));

  private static String example() throws IOException {
    try (InputStream in = ExampleAndDocsTest.class.getResourceAsStream("/edge-agent.example.yml")) {
      assertThat(in).as("edge-agent.example.yml on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String docs() throws IOException {
    return Files.readString(Path.of("..", "docs", "configuration.md"));
  }

  /** The example with its commented-out keys ({@code #key: value}, {@code # key:}) switched on. */
  private static String exampleWithOptionalKeys() throws IOException {
    return example().replaceAll("(?m)^(\\s*)#(\\s*)(?=[a-z_]+:)", "$1$2");
  }

  @Test
  void theExampleIsValidAndWarnsAboutNothing() throws Exception {
    LoadedConfig loaded = loader.parse(example(), "edge-agent.example.yml");

    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void theExampleShowsTheDefaultsWhereItSaysSo() throws Exception {
    AgentConfig example = loader.parse(example(), "edge-agent.example.yml").config();
    AgentConfig defaults = loader.loadDefaults().config();

    assertThat(example.agent()).isEqualTo(defaults.agent());
    assertThat(example.mqtt()).isEqualTo(defaults.mqtt());
    assertThat(example.store()).isEqualTo(defaults.store());
    assertThat(example.http()).isEqualTo(defaults.http());
    assertThat(example.mail()).isEqualTo(defaults.mail());
    assertThat(example.homeassistant()).isEqualTo(defaults.homeassistant());
    // rules.defaults, stale_after_intervals and sensor_failure: everything but rules.devices
    assertThat(Records.with(example.rules(), "devices", Map.of())).isEqualTo(defaults.rules());
    // The parts the example marks as examples:
    assertThat(example.sensors())
        .containsExactly(
            new SensorConfig(
                "pi-kitchen",
                DhtModel.DHT22,
                SensorConfig.Backend.GPIOD,
                4,
                "gpiochip0",
                null,
                Duration.ofSeconds(2),
                false,
                SimConfig.DEFAULTS));
    assertThat(example.rules().threshold("pi-kitchen", true).max()).isEqualTo(30.0);
  }

  @Test
  void theCommentedOutExampleValuesAreValidToo() throws Exception {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader.parse(exampleWithOptionalKeys(), "uncommented"));

    // Only what cannot hold on a build machine: the example's files (and dashboard) do not exist
    // here, and it
    // shows each secret both inline and as a file.
    assertThat(e.problems())
        .filteredOn(ConfigProblem::isError)
        .extracting(ConfigProblem::message)
        .allMatch(
            m ->
                m.endsWith(": no such file")
                    || m.endsWith(": no such directory") // http.dashboard_dir
                    || m.endsWith(", not both"))
        .hasSize(8); // 3 files, the dashboard, and 4 secrets (mqtt, store, mail, http)
  }

  @Test
  void theExampleUsesEveryKeyTheLoaderAccepts() throws Exception {
    Set<String> exampleKeys = keysOf(exampleWithOptionalKeys());

    assertThat(exampleKeys).containsAll(schemaKeys(false));
  }

  @Test
  void everyKeyInTheExampleAndTheSchemaIsDocumented() throws Exception {
    String docs = docs();
    Set<String> keys = new LinkedHashSet<>(keysOf(exampleWithOptionalKeys()));
    keys.addAll(schemaKeys(true));

    List<String> undocumented = keys.stream().filter(k -> !docs.contains("`" + k + "`")).toList();

    assertThat(undocumented).as("keys missing from docs/configuration.md").isEmpty();
  }

  @Test
  void theDocsExamplesAreValidApartFromFilesThatOnlyExistOnAPi() throws Exception {
    Matcher m = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(docs());
    int blocks = 0;
    while (m.find()) {
      blocks++;
      String yaml = m.group(1);
      ConfigException e =
          catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "docs"));
      if (e != null) {
        assertThat(e.problems())
            .as(yaml)
            .allSatisfy(p -> assertThat(p.message()).endsWith(": no such file"));
      }
    }
    assertThat(blocks).isGreaterThanOrEqualTo(4);
  }

  /**
   * The docs' Default column equals the code's: each key is set to the default the docs give, and
   * the configuration that results must be the default configuration. Defaults the docs describe in
   * words (none, the host name, ...) cannot be written as a value and are skipped.
   */
  @Test
  void theDefaultsInTheDocsAreTheCodes() throws Exception {
    AgentConfig defaults = loader.loadDefaults().config();
    Matcher row =
        Pattern.compile("(?m)^\\| `([a-z_.]+)` \\| [^|]+ \\| `([^`|]+)` \\|").matcher(docs());
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    while (row.find()) {
      String value = row.group(2);
      if (value.contains("<")) {
        continue; // a default made of other settings, e.g. http://<agent.name>:<http.port>/
      }
      for (String key :
          row.group(1).contains(".")
              ? List.of(row.group(1))
              // the per-metric table: its keys are under each metric of rules.defaults
              : List.of(
                  "rules.defaults.temperature." + row.group(1),
                  "rules.defaults.humidity." + row.group(1))) {
        String[] path = key.split("\\.");
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < path.length; i++) {
          yaml.append("  ".repeat(i)).append(path[i]).append(':');
          yaml.append(i == path.length - 1 ? " " + value + "\n" : "\n");
        }
        AgentConfig parsed;
        try {
          parsed = loader.parse(yaml.toString(), "docs default of " + key).config();
        } catch (ConfigException e) {
          wrong.add(key + ": `" + value + "` is not even valid: " + e.getMessage());
          continue;
        }
        checked++;
        if (!parsed.equals(defaults)) {
          wrong.add(key + ": the docs say `" + value + "`, the code's default differs");
        }
      }
    }
    assertThat(wrong).as("docs/configuration.md defaults").isEmpty();
    assertThat(checked).as("defaults checked").isGreaterThanOrEqualTo(40);
  }

  /** Every key path in the YAML: lists as {@code []}, device names as {@code <device-id>}. */
  private static Set<String> keysOf(String yaml) throws IOException {
    Problems problems = new Problems("example");
    YamlNode root = new YamlReader(problems).read(new StringReader(yaml));
    assertThat(problems.sorted()).isEmpty();
    Set<String> keys = new LinkedHashSet<>();
    collect(root, "", keys);
    return keys;
  }

  private static void collect(YamlNode node, String path, Set<String> keys) {
    if (node instanceof YamlNode.Mapping m) {
      for (YamlNode.Entry e : m.entries().values()) {
        String key = path.equals("rules.devices") ? DEVICE : e.key();
        String child = path.isEmpty() ? key : path + "." + key;
        keys.add(child);
        collect(e.value(), child, keys);
      }
    } else if (node instanceof YamlNode.Sequence s) {
      for (YamlNode item : s.items()) {
        collect(item, path + "[]", keys);
      }
    }
  }

  /**
   * The keys the loader accepts: those its binders ask for while reading a file with one sensor and
   * one device (each binder asks for all its keys, written or not).
   */
  private static List<String> schemaKeys(boolean withDeviceThresholds) throws IOException {
    String probe = "sensors:\n  - id: probe\nrules:\n  devices:\n    probe: {}\n";
    List<String> keys = new ArrayList<>();
    for (String key : ConfigLoader.keysAskedFor(probe)) {
      String k = key.replace("rules.devices.probe", "rules.devices." + DEVICE);
      if (withDeviceThresholds || !k.startsWith("rules.devices." + DEVICE + ".")) {
        keys.add(k);
      }
    }
    return keys;
  }
}
