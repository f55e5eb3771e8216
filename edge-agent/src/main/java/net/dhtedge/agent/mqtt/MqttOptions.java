package net.dhtedge.agent.mqtt;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import net.dhtedge.agent.config.Durations;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.config.Section;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.core.Records;

/**
 * Everything the MQTT side is configured with: the {@code mqtt:} section of the config file, read
 * by {@link #bind} (each key's default, unit and range written there once; {@link #defaults()} is
 * that bind of an empty section), plus the knobs that are not in the file, whose defaults are there
 * too. The agent fills in what it knows only at start-up (the embedded broker's URI, the client id
 * kept in the data dir, its own sensors) with {@link #toBuilder()}; {@link Builder#build()} checks
 * that the options are ready to connect. Tests start from {@link #builder()}.
 *
 * <p>Over 400 lines: the section's bind, the connect-time checks and the builder (the wiring's
 * {@code toBuilder()}, and the tests' way to vary the options) are one record's, and splitting them
 * would put the field list in a second file.
 *
 * @param enabled {@code mqtt.enabled}: false means no MQTT at all (no publishing, no ingest)
 * @param embedded {@code mqtt.servers: [embedded]}: run the built-in broker and connect to it;
 *     {@code serverUris} is empty until the agent has started it
 * @param serverUris one or more broker URIs ({@code tcp://}, {@code ssl://}, {@code ws://}, {@code
 *     wss://}); several for a clustered broker, tried in order on every connect
 * @param clientId the MQTT client id; must be stable across restarts for the persistent session.
 *     Null in the file means the default: one per data dir, made once and kept there ({@link
 *     ClientIdFile})
 * @param username null for anonymous
 * @param password null for none; never logged ({@link Secret#toString()} is {@code ***})
 * @param topicPrefix the contract's prefix (default {@code dht11})
 * @param readingQos QoS of published readings and of the readings subscription (0 or 1, default 1)
 * @param cleanSession false (default): the broker keeps our subscription and queues QoS 1 readings
 *     while we are away
 * @param keepAlive MQTT keep-alive, whole seconds (default 60 s)
 * @param connectTimeout how long one connect attempt may take
 * @param reconnectMin first reconnect delay (then doubled, with jitter)
 * @param reconnectMax the longest reconnect delay
 * @param drainRatePerSecond most outbox messages published per second
 * @param inflightWindow most publishes awaiting the broker's confirmation at once
 * @param subscribe whether to ingest readings from the broker (off: publish only)
 * @param defaultDevice the device a payload without device_id is attributed to
 * @param localDeviceIds the agent's own sensors: their readings are stored directly by the
 *     pipeline, so ingest skips them when they come back from the broker
 * @param tls certificates and host name checking for {@code ssl://} and {@code wss://} servers
 */
public record MqttOptions(
    boolean enabled,
    boolean embedded,
    List<String> serverUris,
    String clientId,
    String username,
    Secret password,
    String topicPrefix,
    int readingQos,
    boolean cleanSession,
    Duration keepAlive,
    Duration connectTimeout,
    Duration reconnectMin,
    Duration reconnectMax,
    int drainRatePerSecond,
    int inflightWindow,
    boolean subscribe,
    String defaultDevice,
    Set<String> localDeviceIds,
    TlsOptions tls,
    String shareGroup) {

  /** Overrides {@code mqtt.password} and {@code mqtt.password_file}. */
  public static final String PASSWORD_ENV = "EDGE_AGENT_MQTT_PASSWORD";

  /** The word in {@code mqtt.servers} (and {@code --broker}) that runs the built-in broker. */
  public static final String EMBEDDED = "embedded";

  private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");
  private static final String SCHEMES_TEXT = "tcp://, ssl://, ws://, wss:// or the word embedded";

  public MqttOptions {
    serverUris = List.copyOf(Objects.requireNonNull(serverUris, "serverUris"));
    Objects.requireNonNull(topicPrefix, "topicPrefix");
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(reconnectMin, "reconnectMin");
    Objects.requireNonNull(reconnectMax, "reconnectMax");
    Objects.requireNonNull(defaultDevice, "defaultDevice");
    localDeviceIds = Set.copyOf(Objects.requireNonNull(localDeviceIds, "localDeviceIds"));
    tls = tls == null ? TlsOptions.DEFAULTS : tls;
  }

  /** The {@code mqtt:} section. */
  public static MqttOptions bind(Section s) {
    boolean enabled = s.bool("enabled", true);
    boolean embedded = false;
    List<String> servers = List.of("tcp://localhost:1883");
    List<Section.Item> items = s.texts("servers");
    if (items != null) {
      servers = new ArrayList<>();
      for (Section.Item item : items) {
        if (item.text().trim().equalsIgnoreCase(EMBEDDED)) {
          embedded = true;
        } else {
          Optional<String> error = checkServer(item.text());
          if (error.isPresent()) {
            s.error(item, error.get());
          } else {
            servers.add(item.text().trim());
          }
        }
      }
      if (items.isEmpty()) {
        s.error("servers", "needs at least one broker URI (or the word embedded)");
      } else if (embedded && items.size() > 1) {
        s.error("servers", "embedded must be the only entry (it runs the built-in broker)");
      }
      if (embedded) {
        servers = List.of();
      }
    }
    String clientId = s.text("client_id", null);
    if (clientId != null && !clientId.matches("[\\x21-\\x7e]{1,128}")) {
      s.error(
          "client_id",
          "\"" + clientId + "\" must be 1 to 128 printable ASCII characters, no spaces");
    }
    String username = s.text("username", null);
    Secret password = s.secret("password", "password_file", PASSWORD_ENV);
    String prefix = s.topicPrefix("topic_prefix", Topics.DEFAULT_PREFIX);
    int qos = s.integer("reading_qos", 1, 0, 1, "");
    boolean subscribe = s.bool("subscribe", true);
    String defaultDevice = s.deviceId("default_device", "default");
    // Hubs that share the readings: each reading goes to one subscriber of the group
    // ($share/<group>/<prefix>/sensor/data) where the broker has shared subscriptions.
    String shareGroup = s.text("share_group", null);
    if (shareGroup != null && !shareGroup.matches("[A-Za-z0-9_.-]{1,64}")) {
      s.error("share_group", "\"" + shareGroup + "\" must be 1-64 of [A-Za-z0-9_.-]");
      shareGroup = null;
    }
    Duration keepAlive = s.duration("keep_alive", ofSeconds(60), ZERO, ofSeconds(65535));
    if (keepAlive.toMillis() % 1000 != 0) {
      s.error(
          "keep_alive",
          Durations.format(keepAlive)
              + " is not whole seconds (MQTT counts keep-alive in seconds)");
    }
    Duration rMin = s.duration("reconnect_min", ofSeconds(1), ofMillis(100), ofHours(1));
    Duration rMax = s.duration("reconnect_max", ofSeconds(8), ofMillis(100), ofHours(1));
    if (rMax.compareTo(rMin) < 0) {
      s.error(
          "reconnect_max",
          Durations.format(rMax) + " is below reconnect_min (" + Durations.format(rMin) + ")");
    }
    int drain = s.integer("drain_rate", 500, 1, 100_000, " msg/s");
    TlsOptions tls = TlsOptions.bind(s.child("tls"));
    boolean anyTls = servers.stream().anyMatch(u -> u.matches("(?i)(ssl|wss)://.*"));
    if (!tls.equals(TlsOptions.DEFAULTS) && !anyTls && !servers.isEmpty()) {
      s.warn("tls", "ignored: no ssl:// or wss:// server is configured");
    }
    return new MqttOptions(
        enabled,
        embedded,
        servers,
        clientId,
        username,
        password,
        prefix,
        qos,
        false, // cleanSession: the broker keeps our session while we are away
        keepAlive,
        ofSeconds(10), // connectTimeout
        rMin,
        rMax,
        drain,
        10, // inflightWindow
        subscribe,
        defaultDevice,
        Set.of(), // localDeviceIds: the agent's sensors, set at start-up
        tls,
        shareGroup);
  }

  /**
   * The filter readings are subscribed with: {@code <prefix>/sensor/data}, or {@code
   * $share/<group>/<prefix>/sensor/data} when hubs share them.
   */
  public String readingFilter(Topics topics) {
    return shareGroup == null
        ? topics.sensorData()
        : "$share/" + shareGroup + "/" + topics.sensorData();
  }

  /** {@link #bind} of an empty section. */
  public static MqttOptions defaults() {
    return Section.defaults(MqttOptions::bind);
  }

  /** Checks one broker URI as the file or {@code --broker} gives it: the problem, or empty. */
  public static Optional<String> checkServer(String text) {
    String t = text.trim();
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      return Optional.of(
          "\"" + t + "\" is not a valid URI (" + e.getReason() + "); use " + SCHEMES_TEXT);
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || !SCHEMES.contains(scheme)) {
      return Optional.of(
          "\""
              + t
              + "\" "
              + (scheme == null ? "has no scheme" : "has scheme " + scheme + "://")
              + "; allowed: "
              + SCHEMES_TEXT
              + " (e.g. tcp://localhost:1883)");
    }
    if (uri.getHost() == null) {
      return Optional.of("\"" + t + "\" has no host (e.g. " + scheme + "://broker.local:1883)");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      return Optional.of("\"" + t + "\" has port " + uri.getPort() + " (allowed: 1..65535)");
    }
    boolean tcpLike = scheme.equals("tcp") || scheme.equals("ssl");
    if (tcpLike
        && uri.getPath() != null
        && !uri.getPath().isEmpty()
        && !uri.getPath().equals("/")) {
      return Optional.of(
          "\"" + t + "\": " + scheme + ":// URIs take no path (only ws:// and wss:// do)");
    }
    return Optional.empty();
  }

  /** The server URIs as URIs. */
  public List<URI> servers() {
    return serverUris.stream().map(URI::create).toList();
  }

  /** Whether any server URI needs TLS ({@code ssl://}, {@code wss://}). */
  public boolean usesTls() {
    return serverUris.stream().anyMatch(u -> u.startsWith("ssl://") || u.startsWith("wss://"));
  }

  /** The topics under {@link #topicPrefix()}. */
  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** A builder with the defaults of {@link #bind} but no server: tests name theirs. */
  public static Builder builder() {
    return defaults().toBuilder().serverUris(List.of());
  }

  /** A builder holding these options, to change some and {@link Builder#build()} again. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The checks that make options ready to connect (the file's own problems were reported with their
   * line already, by {@link #bind}).
   */
  private MqttOptions checked() {
    if (serverUris.isEmpty()) {
      throw new IllegalArgumentException("mqtt: at least one server URI is required");
    }
    for (String uri : serverUris) {
      checkUri(uri);
    }
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isEmpty() || clientId.length() > 128) {
      throw new IllegalArgumentException(
          "mqtt: client id must be 1-128 characters: '" + clientId + "'");
    }
    if (username != null && username.isEmpty()) {
      throw new IllegalArgumentException("mqtt: username is empty (leave it out for anonymous)");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("mqtt: a password needs a username");
    }
    new Topics(topicPrefix);
    if (readingQos != 0 && readingQos != 1) {
      throw new IllegalArgumentException("mqtt: reading QoS must be 0 or 1, not " + readingQos);
    }
    positive("keep-alive", keepAlive);
    positive("connect timeout", connectTimeout);
    positive("reconnect min", reconnectMin);
    positive("reconnect max", reconnectMax);
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException(
          "mqtt: reconnect max " + reconnectMax + " is below reconnect min " + reconnectMin);
    }
    if (keepAlive.toSeconds() < 1 || keepAlive.toSeconds() > 65535) {
      throw new IllegalArgumentException("mqtt: keep-alive must be 1 s..65535 s: " + keepAlive);
    }
    if (drainRatePerSecond < 1 || drainRatePerSecond > 100_000) {
      throw new IllegalArgumentException(
          "mqtt: drain rate must be 1..100000 messages/s: " + drainRatePerSecond);
    }
    if (inflightWindow < 1 || inflightWindow > 1000) {
      throw new IllegalArgumentException(
          "mqtt: in-flight window must be 1..1000: " + inflightWindow);
    }
    if (!Reading.DEVICE_ID.matcher(defaultDevice).matches()) {
      throw new IllegalArgumentException(
          "mqtt: default device must match [A-Za-z0-9_.-]{1,64}: '" + defaultDevice + "'");
    }
    return this;
  }

  private static void positive(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("mqtt: " + what + " must be positive: " + d);
    }
  }

  private static void checkUri(String uri) {
    Objects.requireNonNull(uri, "server URI");
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("mqtt: bad server URI '" + uri + "': " + e.getReason(), e);
    }
    String scheme = u.getScheme();
    if (scheme == null || !Set.of("tcp", "ssl", "ws", "wss").contains(scheme)) {
      throw new IllegalArgumentException(
          "mqtt: server URI '" + uri + "' must start with tcp://, ssl://, ws:// or wss://");
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException("mqtt: server URI '" + uri + "' has no host");
    }
  }

  /** The default client id: {@code edge-agent-<hostname>}. */
  public static String defaultClientId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
    String clean = host.replaceAll("[^A-Za-z0-9_.-]", "-");
    String id = "edge-agent-" + clean;
    return id.length() > 64 ? id.substring(0, 64) : id;
  }

  /**
   * Mutable builder over a draft of the options (each setter makes a changed copy with {@link
   * Records#with}, so the field list is the record's alone); {@link #build()} checks the options
   * are ready to connect.
   */
  public static final class Builder {
    private MqttOptions draft;

    private Builder(MqttOptions o) {
      draft = o;
    }

    private Builder set(String component, Object value) {
      draft = Records.with(draft, component, value);
      return this;
    }

    public Builder tls(TlsOptions v) {
      return set("tls", v == null ? TlsOptions.DEFAULTS : v);
    }

    /** One more server URI, tried after those set already. */
    public Builder serverUri(String uri) {
      List<String> more = new ArrayList<>(draft.serverUris);
      more.add(uri);
      return set("serverUris", more);
    }

    public Builder serverUris(List<String> uris) {
      return set("serverUris", List.copyOf(uris));
    }

    public Builder clientId(String v) {
      return set("clientId", v);
    }

    public Builder username(String v) {
      return set("username", v);
    }

    /** The password (copied: the caller may wipe its array), or null for none. */
    public Builder password(char[] v) {
      return set("password", v == null ? null : new Secret(new String(v), Secret.Origin.INLINE));
    }

    public Builder topicPrefix(String v) {
      return set("topicPrefix", v);
    }

    public Builder readingQos(int v) {
      return set("readingQos", v);
    }

    public Builder cleanSession(boolean v) {
      return set("cleanSession", v);
    }

    public Builder keepAlive(Duration v) {
      return set("keepAlive", v);
    }

    public Builder connectTimeout(Duration v) {
      return set("connectTimeout", v);
    }

    public Builder reconnect(Duration min, Duration max) {
      draft = Records.with(draft, "reconnectMin", min, "reconnectMax", max);
      return this;
    }

    public Builder drainRatePerSecond(int v) {
      return set("drainRatePerSecond", v);
    }

    public Builder inflightWindow(int v) {
      return set("inflightWindow", v);
    }

    public Builder subscribe(boolean v) {
      return set("subscribe", v);
    }

    public Builder defaultDevice(String v) {
      return set("defaultDevice", v);
    }

    public Builder localDeviceIds(Set<String> v) {
      return set("localDeviceIds", v);
    }

    /**
     * The options, checked: ready to connect. A client id not set is {@link #defaultClientId()}.
     */
    public MqttOptions build() {
      MqttOptions o =
          draft.clientId == null ? Records.with(draft, "clientId", defaultClientId()) : draft;
      return o.checked();
    }
  }
}
