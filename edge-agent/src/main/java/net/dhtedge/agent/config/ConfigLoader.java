package net.dhtedge.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import net.dhtedge.agent.homeassistant.DiscoveryOptions;
import net.dhtedge.agent.http.HttpOptions;
import net.dhtedge.agent.mail.MailOptions;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.store.StoreOptions;

/**
 * Reads the edge-agent YAML file into an {@link AgentConfig}, validating every key and collecting
 * every problem with its file line and key path.
 *
 * <p>Which file: {@code --config FILE} if given (it must exist); else the file named by {@code
 * EDGE_AGENT_CONFIG} (must exist); else {@code ./edge-agent.yml} when present; else built-in
 * defaults. Environment variables override secrets: {@code EDGE_AGENT_MQTT_PASSWORD}, {@code
 * EDGE_AGENT_SMTP_PASSWORD}, {@code EDGE_AGENT_HTTP_TOKEN}.
 */
public final class ConfigLoader {

  /** The file looked for in the working directory when no file is named. */
  public static final String DEFAULT_FILE = "edge-agent.yml";

  /** Environment variable naming the config file when {@code --config} is not given. */
  public static final String CONFIG_ENV = "EDGE_AGENT_CONFIG";

  private final Function<String, String> env;
  private final Supplier<String> hostName;
  private final Path workingDir;

  /** Reads the real environment, host name and working directory. */
  public ConfigLoader() {
    this(System::getenv, ConfigLoader::localHostName, Path.of(""));
  }

  /**
   * @param env environment lookup (tests pass {@code Map::get})
   * @param hostName gives the default agent name
   * @param workingDir where {@code edge-agent.yml} is looked for
   */
  public ConfigLoader(Function<String, String> env, Supplier<String> hostName, Path workingDir) {
    this.env = env;
    this.hostName = hostName;
    this.workingDir = workingDir;
  }

  /**
   * Picks the file (see the class comment), reads it and applies the command-line overrides. All
   * problems, of the file and of the options, come in one exception.
   */
  public LoadedConfig load(ConfigOverrides overrides) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    LoadedConfig base;
    try {
      Path file = locate(overrides);
      base = file == null ? loadDefaults() : load(file);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      base = loadDefaults();
    }
    OverridesApplier applier = new OverridesApplier();
    AgentConfig applied = applier.apply(base.config(), overrides);
    problems.addAll(applier.problems());
    if (problems.stream().anyMatch(ConfigProblem::isError)) {
      throw new ConfigException(problems);
    }
    return new LoadedConfig(applied, base.file(), base.warnings());
  }

  /** The file {@link #load(ConfigOverrides)} reads, or null for defaults only. */
  public Path locate(ConfigOverrides overrides) {
    if (overrides.configFile() != null) {
      return overrides.configFile();
    }
    String named = env.apply(CONFIG_ENV);
    if (named != null && !named.isBlank()) {
      return Path.of(named);
    }
    Path implicit = workingDir.resolve(DEFAULT_FILE);
    return Files.isRegularFile(implicit) ? implicit : null;
  }

  /** Reads an explicitly named file; a missing file is an error. */
  public LoadedConfig load(Path file) throws ConfigException {
    Problems problems = new Problems(file.toString());
    String text;
    if (Files.isDirectory(file)) {
      problems.error(0, "", "is a directory, not a YAML file");
      throw new ConfigException(problems.sorted());
    }
    try {
      text = readUtf8(file, problems);
      if (text == null) {
        throw new ConfigException(problems.sorted());
      }
    } catch (NoSuchFileException e) {
      problems.error(0, "", "no such file");
      throw new ConfigException(problems.sorted());
    } catch (CharacterCodingException e) {
      problems.error(0, "", "not a UTF-8 text file");
      throw new ConfigException(problems.sorted());
    } catch (IOException e) {
      problems.error(0, "", "cannot read: " + e.getMessage());
      throw new ConfigException(problems.sorted());
    }
    return bind(problems, new StringReader(text), file, isShared(file));
  }

  /** Reads YAML text (tests, the example file); {@code sourceName} appears in messages. */
  public LoadedConfig parse(String yaml, String sourceName) throws ConfigException {
    Problems problems = new Problems(sourceName);
    if (yaml.length() > ConfigLimits.MAX_FILE_BYTES) {
      problems.error(0, "", tooLarge(yaml.length()));
      throw new ConfigException(problems.sorted());
    }
    return bind(problems, new StringReader(yaml), null, false);
  }

  /** The built-in defaults (plus secrets from the environment). */
  public LoadedConfig loadDefaults() throws ConfigException {
    return bind(new Problems("(defaults)"), null, null, false);
  }

  private LoadedConfig bind(Problems problems, Reader in, Path file, boolean shared)
      throws ConfigException {
    YamlNode root = null;
    if (in != null) {
      try {
        root = new YamlReader(problems).read(in);
      } catch (IOException e) {
        throw new UncheckedIOException("reading from a string cannot fail", e);
      }
    }
    BindContext ctx = BindContext.of(problems, env, defaultName(), shared);
    AgentConfig config = bind(ctx, root);
    problems.throwIfErrors();
    return new LoadedConfig(config, file, problems.warnings());
  }

  /** Every section's binder, then the keys none of them asked for. */
  private static AgentConfig bind(BindContext ctx, YamlNode root) {
    Section top = Section.of(root, "", 1, ctx);
    AgentSettings agent = AgentSettings.bind(top.child("agent"), ctx.defaultName());
    AgentConfig config =
        new AgentConfig(
            agent,
            SensorConfig.bindAll(top),
            MqttOptions.bind(top.child("mqtt")),
            StoreOptions.bind(top.child("store"), agent.dataDir()),
            RulesOptions.bind(top.child("rules")),
            HttpOptions.bind(top.child("http")),
            MailOptions.bind(top.child("mail")),
            DiscoveryOptions.bind(top.child("homeassistant")));
    ctx.reportUnknownKeys();
    return config;
  }

  /**
   * The key paths the binders ask for while reading {@code yaml} (lists as {@code []}): with one
   * sensor and one device in it, every key the loader accepts. Problems are ignored.
   */
  static java.util.Set<String> keysAskedFor(String yaml) throws IOException {
    Problems problems = new Problems("(schema)");
    YamlNode root = new YamlReader(problems).read(new StringReader(yaml));
    BindContext ctx = BindContext.of(problems, k -> null, "schema", false);
    bind(ctx, root);
    return ctx.askedPaths();
  }

  /**
   * The file's text, or null (with the problem recorded) when it is larger than {@link
   * ConfigLimits#MAX_FILE_BYTES}. At most one byte more than the limit is read, so a file that
   * grows, or is not what its size says, cannot fill the heap.
   */
  private static String readUtf8(Path file, Problems problems) throws IOException {
    long size = Files.size(file);
    if (size > ConfigLimits.MAX_FILE_BYTES) {
      problems.error(0, "", tooLarge(size));
      return null;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(ConfigLimits.MAX_FILE_BYTES + 1);
    }
    if (bytes.length > ConfigLimits.MAX_FILE_BYTES) {
      problems.error(
          0,
          "",
          "holds more than the limit of "
              + ConfigLimits.bytes(ConfigLimits.MAX_FILE_BYTES)
              + " for a config file");
      return null;
    }
    return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
  }

  private static String tooLarge(long size) {
    return "is "
        + ConfigLimits.bytes(size)
        + ", more than the limit of "
        + ConfigLimits.bytes(ConfigLimits.MAX_FILE_BYTES)
        + " for a config file";
  }

  private static boolean isShared(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(PosixFilePermission.GROUP_READ)
          || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The host name made into a valid device id (default for {@code agent.name}). */
  private String defaultName() {
    String h = hostName.get();
    if (h == null) {
      h = "";
    }
    int dot = h.indexOf('.');
    String cleaned = (dot > 0 ? h.substring(0, dot) : h).replaceAll("[^A-Za-z0-9_.-]", "-");
    if (cleaned.length() > 64) {
      cleaned = cleaned.substring(0, 64);
    }
    return cleaned.isEmpty() ? "edge-agent" : cleaned;
  }

  /** /etc/hostname first: asking the resolver can hang for seconds on a Pi without DNS. */
  private static String localHostName() {
    try {
      Path etc = Path.of("/etc/hostname");
      if (Files.isReadable(etc)) {
        String name = Files.readString(etc).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "edge-agent";
    }
  }
}
