package net.dhtedge.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import net.dhtedge.agent.homeassistant.DiscoveryOptions;
import net.dhtedge.agent.http.HttpOptions;
import net.dhtedge.agent.mail.MailOptions;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.mqtt.TlsOptions;
import net.dhtedge.agent.rules.RulesOptions;
import net.dhtedge.agent.rules.Threshold;
import net.dhtedge.gpio.DhtModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();

  private ConfigLoader loader() {
    return new ConfigLoader(env::get, () -> "kitchen-pi.local", dir);
  }

  private Path write(String name, String yaml, String mode) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  @Test
  void noFileAtAllGivesTheDocumentedDefaults() throws Exception {
    LoadedConfig loaded = loader().load(ConfigOverrides.NONE);
    AgentConfig c = loaded.config();

    assertThat(loaded.file()).isNull();
    assertThat(loaded.warnings()).isEmpty();
    assertThat(c.agent())
        .isEqualTo(new AgentSettings(Path.of("./data"), "kitchen-pi", AgentSettings.LogLevel.INFO));
    assertThat(c.sensors()).isEmpty();
    assertThat(c.mqtt().enabled()).isTrue();
    assertThat(c.mqtt().embedded()).isFalse();
    assertThat(c.mqtt().servers()).containsExactly(URI.create("tcp://localhost:1883"));
    // Not written: the agent makes one per data dir (ClientIdFileTest).
    assertThat(c.mqtt().clientId()).isNull();
    assertThat(c.mqtt().password()).isNull();
    assertThat(c.mqtt().topicPrefix()).isEqualTo("dht11");
    assertThat(c.mqtt().readingQos()).isEqualTo(1);
    assertThat(c.mqtt().subscribe()).isTrue();
    assertThat(c.mqtt().defaultDevice()).isEqualTo("default");
    assertThat(c.mqtt().keepAlive()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.mqtt().reconnectMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.mqtt().reconnectMax()).isEqualTo(Duration.ofSeconds(8));
    assertThat(c.mqtt().drainRatePerSecond()).isEqualTo(500);
    assertThat(c.mqtt().tls()).isEqualTo(TlsOptions.DEFAULTS);
    assertThat(c.store().commitWindowMillis()).isEqualTo(100);
    assertThat(c.store().hourRetentionDays()).isEqualTo(1825);
    assertThat(c.store().outboxCapacity()).isEqualTo(100_000);
    assertThat(c.store().maxDevices()).isEqualTo(2000);
    assertThat(c.rules()).isEqualTo(RulesOptions.defaults());
    assertThat(c.rules().temperature().isActive()).isFalse();
    assertThat(c.http()).isEqualTo(HttpOptions.defaults());
    assertThat(c.mail()).isEqualTo(MailOptions.defaults());
    assertThat(c.homeassistant()).isEqualTo(DiscoveryOptions.defaults());
  }

  @Test
  void anEmptyFileAlsoMeansDefaults() throws Exception {
    Path p = write("empty.yml", "", "rw-------");

    assertThat(loader().load(p).config()).isEqualTo(loader().loadDefaults().config());
  }

  @Test
  void aFullSensorIsReadWithEveryValue() throws Exception {
    AgentConfig c =
        loader()
            .parse(
                """
                sensors:
                  - id: greenhouse
                    model: am2302
                    backend: gpiod
                    pin: 17
                    chip: gpiochip4
                    interval: 5s
                    spike_filter: true
                  - id: demo
                    backend: sim
                    sim:
                      trajectory: steps
                      base_temperature: 25
                      checksum_fault_rate: 0.1
                      seed: 7
                """,
                "t.yml")
            .config();

    assertThat(c.sensors())
        .first()
        .isEqualTo(
            new SensorConfig(
                "greenhouse",
                DhtModel.DHT22,
                SensorConfig.Backend.GPIOD,
                17,
                "gpiochip4",
                null,
                Duration.ofSeconds(5),
                true,
                SimConfig.DEFAULTS));
    SimConfig sim = c.sensors().get(1).sim();
    assertThat(sim.trajectory()).isEqualTo(SimConfig.Trajectory.STEPS);
    assertThat(sim.baseTemperature()).isEqualTo(25.0);
    assertThat(sim.checksumFaultRate()).isEqualTo(0.1);
    assertThat(sim.seed()).isEqualTo(7L);
    assertThat(c.sensors().get(1).pin()).isNull();
  }

  @Test
  void everyErrorInAFileIsReportedAtOnceInLineOrder() throws Exception {
    Path p =
        write(
            "edge-agent.yml",
            """
            agent:
              log_level: loud
            sensors:
              - id: a
                model: dht22
                interval: 1s
            mqtt:
              reading_qos: 3
              servers: [ftp://x]
            http:
              port: -1
            """,
            "rw-------");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(p));

    assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(2, 4, 6, 8, 9, 11);
    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactly(
            "agent.log_level",
            "sensors[0].pin",
            "sensors[0].interval",
            "mqtt.reading_qos",
            "mqtt.servers[0]",
            "http.port");
    assertThat(e.format().lines()).hasSize(6).allMatch(l -> l.startsWith(p + ":"));
  }

  @Test
  void aFileNamedExplicitlyMustExist() {
    Path missing = dir.resolve("nope.yml");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader().load(new ConfigOverrides(missing, null, null, null, null)));

    assertThat(e.format()).isEqualTo(missing + ": no such file");
  }

  @Test
  void aByteOrderMarkAtTheStartIsIgnored() throws Exception {
    Path p = write("bom.yml", "\uFEFFhttp:\n  port: 9000\n", "rw-------");

    assertThat(loader().load(p).config().http().port()).isEqualTo(9000);
  }

  @Test
  void aFileThatIsNotUtf8IsRejectedPlainly() throws Exception {
    Path p = dir.resolve("latin1.yml");
    Files.write(p, new byte[] {'a', 'g', 'e', 'n', 't', ':', ' ', (byte) 0xE9, '\n'});

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(p));

    assertThat(e.format()).isEqualTo(p + ": not a UTF-8 text file");
  }

  @Test
  void aDirectoryIsNotAConfigFile() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(dir));

    assertThat(e.format()).isEqualTo(dir + ": is a directory, not a YAML file");
  }

  @Test
  void aBadFileIsReportedOnceWithoutFollowUpErrors() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader().parse("sensors:\n  - kitchen\n", "t.yml"));

    assertThat(e.problems()).hasSize(1);
  }

  @Test
  void edgeAgentYmlInTheWorkingDirectoryIsUsedWhenNoFileIsNamed() throws Exception {
    write("edge-agent.yml", "http:\n  port: 9090\n", "rw-------");

    LoadedConfig loaded = loader().load(ConfigOverrides.NONE);

    assertThat(loaded.file()).isEqualTo(dir.resolve("edge-agent.yml"));
    assertThat(loaded.config().http().port()).isEqualTo(9090);
  }

  @Test
  void theConfigEnvironmentVariableNamesAFileThatMustExist() throws Exception {
    Path p = write("site.yml", "http:\n  port: 9191\n", "rw-------");
    env.put("EDGE_AGENT_CONFIG", p.toString());
    assertThat(loader().load(ConfigOverrides.NONE).config().http().port()).isEqualTo(9191);

    env.put("EDGE_AGENT_CONFIG", dir.resolve("gone.yml").toString());
    assertThat(
            catchThrowableOfType(ConfigException.class, () -> loader().load(ConfigOverrides.NONE))
                .format())
        .endsWith("gone.yml: no such file");
  }

  @Test
  void environmentVariablesOverrideEverySecret() throws Exception {
    env.put("EDGE_AGENT_MQTT_PASSWORD", "from-env-mqtt");
    env.put("EDGE_AGENT_SMTP_PASSWORD", "from-env-smtp");
    env.put("EDGE_AGENT_HTTP_TOKEN", "from-env-token-0123456789");

    AgentConfig c =
        loader()
            .parse("mqtt:\n  password: inline\nhttp:\n  read_requires_token: true\n", "t.yml")
            .config();

    assertThat(c.mqtt().password().reveal()).isEqualTo("from-env-mqtt");
    assertThat(c.mqtt().password().origin()).isEqualTo(Secret.Origin.ENVIRONMENT);
    assertThat(c.mail().password().reveal()).isEqualTo("from-env-smtp");
    assertThat(c.http().token().reveal()).isEqualTo("from-env-token-0123456789");
  }

  @Test
  void aSecretNeverShowsInToString() throws Exception {
    AgentConfig c = loader().parse("mqtt:\n  password: hunter2-secret\n", "t.yml").config();

    assertThat(c.mqtt().password().reveal()).isEqualTo("hunter2-secret");
    assertThat(c.toString()).doesNotContain("hunter2-secret").contains("password=***");
  }

  @Test
  void aSecretFileWithMode0600IsReadWithoutItsTrailingNewline() throws Exception {
    Path secret = write("mqtt.pass", "s3cret pass\n", "rw-------");

    AgentConfig c = loader().parse("mqtt:\n  password_file: " + secret + "\n", "t.yml").config();

    assertThat(c.mqtt().password().reveal()).isEqualTo("s3cret pass");
    assertThat(c.mqtt().password().origin()).isEqualTo(Secret.Origin.FILE);
  }

  @Test
  void aSecretFileReadableByOthersIsAnError() throws Exception {
    Path secret = write("smtp.pass", "pw\n", "rw-r--r--");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader().parse("mail:\n  password_file: " + secret + "\n", "t.yml"));

    assertThat(e.format())
        .isEqualTo(
            "t.yml:2: mail.password_file: "
                + secret
                + " is accessible by group or others (mode rw-r--r--); run: chmod 600 "
                + secret);
  }

  @Test
  void aSecretFileOwnedBySomeoneElseIsAnError() throws Exception {
    Path secret = write("token", "0123456789abcdef0123\n", "rw-------");
    var nobody =
        secret.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "only root can give a file away");
    Files.setOwner(secret, nobody);

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader().parse("http:\n  token_file: " + secret + "\n", "t.yml"));

    assertThat(e.format())
        .isEqualTo(
            "t.yml:2: http.token_file: "
                + secret
                + " is owned by nobody, not by root (who runs edge-agent)");
  }

  @Test
  void anInlineSecretInAWorldReadableFileIsAWarningNotAnError() throws Exception {
    Path p = write("shared.yml", "mqtt:\n  password: pw\n", "rw-r--r--");

    LoadedConfig loaded = loader().load(p);

    assertThat(loaded.config().mqtt().password().reveal()).isEqualTo("pw");
    assertThat(loaded.warnings())
        .extracting(ConfigProblem::format)
        .containsExactly(
            p
                + ":2: warning: mqtt.password: secret written inline in a file that group or"
                + " others can read; chmod 600 the file, or use password_file or"
                + " EDGE_AGENT_MQTT_PASSWORD");
  }

  @Test
  void anInlineSecretInAPrivateFileGivesNoWarning() throws Exception {
    Path p = write("private.yml", "mqtt:\n  password: pw\n", "rw-------");

    assertThat(loader().load(p).warnings()).isEmpty();
  }

  @Test
  void aDeviceOverrideInheritsTheDefaultsAndAnEmptyLimitRemovesOne() throws Exception {
    RulesOptions r =
        loader()
            .parse(
                """
                rules:
                  defaults:
                    temperature: {min: 5, max: 30, debounce_count: 2}
                  devices:
                    freezer:
                      temperature: {min: -30, max: -10}
                    attic:
                      temperature:
                        max:
                """,
                "t.yml")
            .config()
            .rules();

    assertThat(r.threshold("freezer", true)).isEqualTo(new Threshold(-30.0, -10.0, 0.5));
    assertThat(r.threshold("attic", true)).isEqualTo(new Threshold(5.0, null, 0.5));
    assertThat(r.threshold("someone-else", true)).isEqualTo(new Threshold(5.0, 30.0, 0.5));
    assertThat(r.debounceCount()).isEqualTo(2);
    assertThat(r.debounceDuration()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aBadDefaultIsReportedOnceNotAgainForEveryDevice() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader()
                    .parse(
                        """
                        rules:
                          defaults:
                            temperature: {min: 30, max: 20}
                          devices:
                            a: {humidity: {max: 80}}
                            b: {humidity: {max: 80}}
                        """,
                        "t.yml"));

    assertThat(e.format())
        .isEqualTo("t.yml:3: rules.defaults.temperature.max: 20 must be above min (30)");
  }

  @Test
  void embeddedAndASingleServerStringAreAccepted() throws Exception {
    MqttOptions embedded = loader().parse("mqtt:\n  servers: embedded\n", "t.yml").config().mqtt();
    MqttOptions single =
        loader().parse("mqtt:\n  servers: wss://b.example.org/mqtt\n", "t.yml").config().mqtt();

    assertThat(embedded.embedded()).isTrue();
    assertThat(embedded.servers()).isEmpty();
    assertThat(single.servers()).containsExactly(URI.create("wss://b.example.org/mqtt"));
  }

  @Test
  void warningsComeBackWithAValidConfig() throws Exception {
    LoadedConfig loaded =
        loader()
            .parse(
                "sensors:\n  - id: a\n    backend: sim\n    pin: 4\n"
                    + "mqtt:\n  tls:\n    verify_hostname: false\n",
                "t.yml");

    assertThat(loaded.config().sensors().get(0).pin()).isNull();
    assertThat(loaded.warnings())
        .extracting(ConfigProblem::format)
        .containsExactly(
            "t.yml:4: warning: sensors[0].pin: ignored: only the gpiod backend uses pin",
            "t.yml:6: warning: mqtt.tls: ignored: no ssl:// or wss:// server is configured",
            "t.yml:7: warning: mqtt.tls.verify_hostname: host name verification is off: any"
                + " certificate the CA signed is accepted for this broker");
  }

  @Test
  void aHostNameThatIsNoDeviceIdIsCleanedUpForTheDefaultName() throws Exception {
    ConfigLoader odd = new ConfigLoader(env::get, () -> "my pi!", dir);

    assertThat(odd.loadDefaults().config().agent().name()).isEqualTo("my-pi-");
    assertThat(
            net.dhtedge.agent.mqtt.ClientIdFile.resolve(
                odd.loadDefaults().config().mqtt().clientId(), "my-pi-", dir, false))
        .startsWith("edge-agent-my-pi--");
  }
}
