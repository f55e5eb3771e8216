package net.dhtedge.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of broken files: each must be rejected with exactly the expected {@code file:line: path:
 * message} line, so users are told where and what.
 */
class BadConfigTest {

  private static final ConfigLoader LOADER =
      new ConfigLoader(Map.<String, String>of()::get, () -> "testhost", Path.of("."));

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        bad(
            "an unknown top-level key suggests the close one",
            "mqt:\n  enabled: true\n",
            "edge-agent.yml:1: mqt: unknown key; did you mean 'mqtt'? allowed here: agent,"
                + " sensors, mqtt, store, rules, http, mail, homeassistant"),
        bad(
            "an unknown nested key suggests the close one",
            "mqtt:\n  topic_prefx: x\n",
            "edge-agent.yml:2: mqtt.topic_prefx: unknown key; did you mean 'topic_prefix'?"
                + " allowed here: enabled, servers, client_id, username, password, password_file,"
                + " topic_prefix, reading_qos, subscribe, default_device, share_group,"
                + " keep_alive, reconnect_min, reconnect_max, drain_rate, tls"),
        bad(
            "a dash instead of an underscore is a likely typo",
            "agent:\n  data-dir: /tmp\n",
            "edge-agent.yml:2: agent.data-dir: unknown key; did you mean 'data_dir'? allowed"
                + " here: data_dir, name, log_level"),
        bad(
            "a port that is text is a wrong type",
            "http:\n  port: eighty\n",
            "edge-agent.yml:2: http.port: expected a whole number, got the text \"eighty\""),
        bad(
            "a quoted number is pointed out",
            "http:\n  port: \"8080\"\n",
            "edge-agent.yml:2: http.port: expected a whole number (without quotes), got the text"
                + " \"8080\""),
        bad(
            "a port out of range",
            "http:\n  port: 70000\n",
            "edge-agent.yml:2: http.port: 70000 is out of range (allowed: 0..65535; 0 = off)"),
        bad(
            "a boolean that is not one",
            "mqtt:\n  subscribe: maybe\n",
            "edge-agent.yml:2: mqtt.subscribe: expected true or false, got the text \"maybe\""),
        bad(
            "a duration without a unit",
            "store:\n  write_delay: 100\n",
            "edge-agent.yml:2: store.write_delay: 100 has no unit (write e.g. 100s; use a whole"
                + " number and a unit: 500ms, 2s, 5m, 1h, 30d)"),
        bad(
            "a write delay longer than the store takes (it was capped at 1 s without a word)",
            "store:\n  write_delay: 5s\n",
            "edge-agent.yml:2: store.write_delay: 5s is above the maximum of 1s"),
        bad(
            "a duration in words",
            "mail:\n  rate_limit: 15 minutes\n",
            "edge-agent.yml:2: mail.rate_limit: \"15 minutes\" is not a duration (use a whole"
                + " number and a unit: 500ms, 2s, 5m, 1h, 30d)"),
        bad(
            "a status page link that is not a URL",
            "mail:\n  status_url: gateway:8080\n",
            "edge-agent.yml:2: mail.status_url: \"gateway:8080\" is not an http:// or https:// URL"),
        bad(
            "a section that is a scalar",
            "store: fast\n",
            "edge-agent.yml:1: store: expected a mapping (indented key: value lines), got the"
                + " text \"fast\""),
        bad(
            "sensors that are not a list",
            "sensors:\n  id: a\n",
            "edge-agent.yml:1: sensors: expected a list of sensors (lines starting with '- '), got"
                + " a mapping"),
        bad(
            "a gpiod sensor without a pin",
            "sensors:\n  - id: kitchen\n    backend: gpiod\n",
            "edge-agent.yml:2: sensors[0].pin: required for the gpiod backend: the BCM GPIO number"
                + " (0..27) the data line is wired to"),
        bad(
            "a pin beyond the header",
            "sensors:\n  - id: kitchen\n    pin: 40\n",
            "edge-agent.yml:3: sensors[0].pin: 40 is out of range (allowed: 0..27, the BCM GPIO"
                + " number)"),
        bad(
            "an interval below the DHT22 minimum",
            "sensors:\n  - id: kitchen\n    model: dht22\n    pin: 4\n    interval: 500ms\n",
            "edge-agent.yml:5: sensors[0].interval: 500ms is below the dht22 minimum of 2s"),
        bad(
            "an interval below the DHT11 minimum",
            "sensors:\n  - id: kitchen\n    pin: 4\n    interval: 900ms\n",
            "edge-agent.yml:4: sensors[0].interval: 900ms is below the dht11 minimum of 1s"),
        bad(
            "a sensor without an id",
            "sensors:\n  - pin: 4\n",
            "edge-agent.yml:2: sensors[0].id: required: the device id this sensor's readings carry"
                + " (A-Z a-z 0-9 _ . -, 1 to 64 chars)"),
        bad(
            "a device id with a space",
            "sensors:\n  - id: my kitchen\n    pin: 4\n",
            "edge-agent.yml:2: sensors[0].id: \"my kitchen\" is not a device id (allowed: A-Z a-z"
                + " 0-9 _ . -, 1 to 64 chars)"),
        bad(
            "two sensors with the same id",
            "sensors:\n  - id: a\n    pin: 4\n  - id: a\n    pin: 5\n",
            "edge-agent.yml:4: sensors[1].id: duplicate sensor id \"a\" (also used by sensors[0]"
                + " (line 2))"),
        bad(
            "two sensors on the same pin",
            "sensors:\n  - id: a\n    pin: 4\n  - id: b\n    pin: 4\n",
            "edge-agent.yml:5: sensors[1].pin: GPIO 4 on gpiochip0 is already used by sensors[0]"
                + " (line 2)"),
        bad(
            "an unknown model suggests the close one",
            "sensors:\n  - id: a\n    pin: 4\n    model: dht21\n",
            "edge-agent.yml:4: sensors[0].model: \"dht21\" is not allowed; did you mean 'dht11'?"
                + " allowed: dht11, dht22"),
        bad(
            "an unknown backend",
            "sensors:\n  - id: a\n    backend: wiringpi\n",
            "edge-agent.yml:3: sensors[0].backend: \"wiringpi\" is not allowed; allowed: gpiod,"
                + " iio, sim"),
        bad(
            "a csv trajectory without a file",
            "sensors:\n  - id: a\n    backend: sim\n    sim:\n      trajectory: csv\n",
            "edge-agent.yml:4: sensors[0].sim.csv_file: required when trajectory is csv"),
        bad(
            "a broker URI with an http scheme",
            "mqtt:\n  servers: [\"http://broker:1883\"]\n",
            "edge-agent.yml:2: mqtt.servers[0]: \"http://broker:1883\" has scheme http://; allowed:"
                + " tcp://, ssl://, ws://, wss:// or the word embedded (e.g. tcp://localhost:1883)"),
        bad(
            "a broker URI without a scheme",
            "mqtt:\n  servers:\n    - tcp://ok:1883\n    - broker.local\n",
            "edge-agent.yml:4: mqtt.servers[1]: \"broker.local\" has no scheme; allowed: tcp://,"
                + " ssl://, ws://, wss:// or the word embedded (e.g. tcp://localhost:1883)"),
        bad(
            "embedded mixed with a real broker",
            "mqtt:\n  servers: [embedded, \"tcp://x:1883\"]\n",
            "edge-agent.yml:2: mqtt.servers: embedded must be the only entry (it runs the built-in"
                + " broker)"),
        bad(
            "a topic prefix with a wildcard",
            "mqtt:\n  topic_prefix: home/+/dht\n",
            "edge-agent.yml:2: mqtt.topic_prefix: \"home/+/dht\" may not contain +, #, spaces or"
                + " control characters"),
        bad(
            "a topic prefix with an empty level",
            "mqtt:\n  topic_prefix: home/\n",
            "edge-agent.yml:2: mqtt.topic_prefix: \"home/\" has an empty topic level (leading,"
                + " trailing or double '/')"),
        bad(
            "qos 2 for readings",
            "mqtt:\n  reading_qos: 2\n",
            "edge-agent.yml:2: mqtt.reading_qos: 2 is out of range (allowed: 0..1)"),
        bad(
            "reconnect_max below reconnect_min",
            "mqtt:\n  reconnect_min: 10s\n  reconnect_max: 5s\n",
            "edge-agent.yml:3: mqtt.reconnect_max: 5s is below reconnect_min (10s)"),
        bad(
            "a keep-alive that is not whole seconds",
            "mqtt:\n  keep_alive: 1500ms\n",
            "edge-agent.yml:2: mqtt.keep_alive: 1500ms is not whole seconds (MQTT counts"
                + " keep-alive in seconds)"),
        bad(
            "a duplicate YAML key",
            "http:\n  port: 80\n  port: 81\n",
            "edge-agent.yml:3: http.port: duplicate key (already set on line 2); keep only one"),
        bad(
            "malformed YAML names line and column",
            "mqtt:\n  servers: [tcp://a:1883\nhttp:\n  port: 1\n",
            "edge-agent.yml:3:5: malformed YAML: expected ',' or ']', but got : (while parsing a"
                + " flow sequence)"),
        bad(
            "a tab used for indentation",
            "mqtt:\n\tenabled: true\n",
            "edge-agent.yml:2:1: malformed YAML: found character '\\t(TAB)' that cannot start any"
                + " token. (Do not use \\t(TAB) for indentation) (while scanning for the next"
                + " token)"),
        bad(
            "a max below the min",
            "rules:\n  defaults:\n    temperature:\n      min: 25\n      max: 20\n",
            "edge-agent.yml:5: rules.defaults.temperature.max: 20 must be above min (25)"),
        bad(
            "a hysteresis the rules engine cannot use (the agent failed to start with it)",
            "rules:\n  defaults:\n    temperature:\n      min: 10\n      max: 11\n"
                + "      hysteresis: 0.6\n",
            "edge-agent.yml:6: rules.defaults.temperature.hysteresis: 0.6 must be at most"
                + " (max - min) / 2 (0.5)"),
        bad(
            "a humidity limit beyond 100 %RH",
            "rules:\n  defaults:\n    humidity:\n      max: 120\n",
            "edge-agent.yml:4: rules.defaults.humidity.max: 120 is out of range (allowed: 0..100"
                + " %RH)"),
        bad(
            "a device override for an invalid device id",
            "rules:\n  devices:\n    \"bad id\":\n      temperature:\n        max: 30\n",
            "edge-agent.yml:3: rules.devices.bad id: \"bad id\" is not a device id (allowed: A-Z"
                + " a-z 0-9 _ . -, 1 to 64 chars)"),
        bad(
            "a threshold percent of zero",
            "rules:\n  sensor_failure:\n    threshold_percent: 0\n",
            "edge-agent.yml:3: rules.sensor_failure.threshold_percent: 0 is out of range (allowed:"
                + " 1..100 %)"),
        bad(
            "mail enabled without a host",
            "mail:\n  enabled: true\n  from: a@example.org\n  to: [b@example.org]\n",
            "edge-agent.yml:1: mail.host: required when mail is enabled"),
        bad(
            "a recipient that is not an address",
            "mail:\n  to:\n    - ok@example.org\n    - not an address\n",
            "edge-agent.yml:4: mail.to[1]: \"not an address\" is not an e-mail address (Local"
                + " address contains control or whitespace)"),
        bad(
            "an unknown mail security",
            "mail:\n  security: tls\n",
            "edge-agent.yml:2: mail.security: \"tls\" is not allowed; allowed: starttls, smtps,"
                + " none"),
        bad(
            "a read token requirement without a token",
            "http:\n  read_requires_token: true\n",
            "edge-agent.yml:2: http.read_requires_token: true needs a token (http.token,"
                + " http.token_file or EDGE_AGENT_HTTP_TOKEN)"),
        bad(
            "a CORS origin with a path",
            "http:\n  cors_origins: [\"https://dash.example.org/app\"]\n",
            "edge-agent.yml:2: http.cors_origins[0]: \"https://dash.example.org/app\" is not an"
                + " origin (use * or scheme://host[:port], port * for any, no path)"),
        bad(
            "a password both inline and in a file",
            "mqtt:\n  password: x\n  password_file: /nonexistent\n",
            "edge-agent.yml:3: mqtt.password_file: set either password or password_file, not"
                + " both"),
        bad(
            "a missing password file",
            "mqtt:\n  password_file: /nonexistent/mqtt.pass\n",
            "edge-agent.yml:2: mqtt.password_file: /nonexistent/mqtt.pass: no such file"),
        bad(
            "a missing CA file",
            "mqtt:\n  servers: [\"ssl://b:8883\"]\n  tls:\n    ca_file: /nonexistent/ca.pem\n",
            "edge-agent.yml:4: mqtt.tls.ca_file: /nonexistent/ca.pem: no such file"),
        bad(
            "an alias",
            "http:\n  port: &p 8080\nmail:\n  port: *p\n",
            "edge-agent.yml:4: mail.port: YAML aliases (*p) are not supported; write the value"
                + " out"),
        bad(
            "a device max below the inherited min",
            "rules:\n  defaults:\n    temperature: {min: 5}\n  devices:\n    cellar:\n"
                + "      temperature:\n        max: 4\n",
            "edge-agent.yml:7: rules.devices.cellar.temperature.max: 4 must be above min (5)"),
        bad(
            "a log level that is not one",
            "agent:\n  log_level: verbose\n",
            "edge-agent.yml:2: agent.log_level: \"verbose\" is not allowed; allowed: error, warn,"
                + " info, debug, trace"),
        bad(
            "a sensor that is a bare word",
            "sensors:\n  - kitchen\n",
            "edge-agent.yml:2: sensors[0]: expected a mapping (indented key: value lines), got the"
                + " text \"kitchen\""),
        bad(
            "a root that is a list",
            "- a\n- b\n",
            "edge-agent.yml:1: expected a mapping (indented key: value lines), got a list"));
  }

  /**
   * An unknown key in every section lists the keys allowed there, in the order of the docs: the
   * keys a section allows are the ones its bind asks for, so a key read only on some path (a
   * backend, a trajectory, mail enabled) must still be allowed on every other.
   */
  static Stream<Arguments> unknownKeys() {
    return Stream.of(
        unknown(
            "store:\n  wirte_delay: 1s\n",
            "edge-agent.yml:2: store.wirte_delay: unknown key; did you mean 'write_delay'? allowed"
                + " here: write_delay, retention_raw, retention_minute, retention_hour,"
                + " outbox_capacity, max_devices, url, user, password, password_file,"
                + " local_sync_interval"),
        unknown(
            "http:\n  x: 1\n",
            "edge-agent.yml:2: http.x: unknown key; allowed here: bind, port, token, token_file,"
                + " read_requires_token, cors_origins, max_connections, idle_timeout,"
                + " dashboard_dir"),
        unknown(
            "mail:\n  x: 1\n",
            "edge-agent.yml:2: mail.x: unknown key; allowed here: enabled, host, port, security,"
                + " username, password, password_file, from, to, rate_limit, status_url"),
        unknown(
            "homeassistant:\n  x: 1\n",
            "edge-agent.yml:2: homeassistant.x: unknown key; allowed here: discovery, prefix"),
        unknown(
            "mqtt:\n  servers: embedded\n  tls:\n    x: 1\n",
            "edge-agent.yml:4: mqtt.tls.x: unknown key; allowed here: ca_file, cert_file,"
                + " key_file, verify_hostname"),
        unknown(
            "rules:\n  x: 1\n",
            "edge-agent.yml:2: rules.x: unknown key; allowed here: defaults, devices,"
                + " stale_after_intervals, sensor_failure"),
        unknown(
            "rules:\n  devices:\n    cellar:\n      x: 1\n",
            "edge-agent.yml:4: rules.devices.cellar.x: unknown key; allowed here: temperature,"
                + " humidity"),
        unknown(
            "rules:\n  defaults:\n    humidity:\n      x: 1\n",
            "edge-agent.yml:4: rules.defaults.humidity.x: unknown key; allowed here: min, max,"
                + " hysteresis, debounce_count, debounce_time"),
        unknown(
            "rules:\n  sensor_failure:\n    x: 1\n",
            "edge-agent.yml:3: rules.sensor_failure.x: unknown key; allowed here:"
                + " threshold_percent, window"),
        unknown(
            "sensors:\n  - id: a\n    backend: iio\n    x: 1\n",
            "edge-agent.yml:4: sensors[0].x: unknown key; allowed here: id, model, backend, pin,"
                + " chip, iio_device, interval, spike_filter, sim"),
        unknown(
            "sensors:\n  - id: a\n    backend: sim\n    sim:\n      x: 1\n",
            "edge-agent.yml:5: sensors[0].sim.x: unknown key; allowed here: trajectory,"
                + " base_temperature, base_humidity, temperature_amplitude, humidity_amplitude,"
                + " period, csv_file, checksum_fault_rate, timeout_fault_rate, seed"));
  }

  private static Arguments unknown(String yaml, String expected) {
    return Arguments.of("unknown key " + expected.split(": ")[1], yaml, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unknownKeys")
  void anUnknownKeyListsExactlyTheKeysItsSectionsBindReads(
      String name, String yaml, String expected) {
    aBadConfigIsRejectedWithFileLineKeyAndWhatIsAllowed(name, yaml, expected);
  }

  private static Arguments bad(String name, String yaml, String expected) {
    return Arguments.of(name, yaml, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void aBadConfigIsRejectedWithFileLineKeyAndWhatIsAllowed(
      String name, String yaml, String expected) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> LOADER.parse(yaml, "edge-agent.yml"));

    assertThat(e).as(name).isNotNull();
    List<String> lines = e.problems().stream().map(ConfigProblem::format).toList();
    assertThat(lines).as(name).contains(expected);
    assertThat(e.format()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
