package net.dhtedge.agent.mqtt;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.Reading;

/**
 * Everything the MQTT side is configured with, validated once. Build with {@link #builder()}; the
 * defaults are what a Raspberry Pi next to a Mosquitto broker needs.
 *
 * @param serverUris one or more broker URIs ({@code tcp://}, {@code ssl://}, {@code ws://}, {@code
 *     wss://}); several for a clustered broker, tried in order on every connect
 * @param clientId the MQTT client id; must be stable across restarts for the persistent session
 * @param username null for anonymous
 * @param password null for none; never logged, not in {@link #toString()}
 * @param topicPrefix the contract's prefix (default {@code dht11})
 * @param readingQos QoS of the readings subscription (0 or 1, default 1)
 * @param cleanSession false (default): the broker keeps our subscription and queues QoS 1 readings
 *     while we are away
 * @param keepAlive MQTT keep-alive
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
    List<String> serverUris,
    String clientId,
    String username,
    char[] password,
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
    TlsOptions tls) {

  public MqttOptions {
    Objects.requireNonNull(serverUris, "serverUris");
    if (serverUris.isEmpty()) {
      throw new IllegalArgumentException("mqtt: at least one server URI is required");
    }
    serverUris = List.copyOf(serverUris);
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
    password = password == null ? null : password.clone();
    new Topics(Objects.requireNonNull(topicPrefix, "topicPrefix"));
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
    Objects.requireNonNull(defaultDevice, "defaultDevice");
    if (!Reading.DEVICE_ID.matcher(defaultDevice).matches()) {
      throw new IllegalArgumentException(
          "mqtt: default device must match [A-Za-z0-9_.-]{1,64}: '" + defaultDevice + "'");
    }
    localDeviceIds = Set.copyOf(Objects.requireNonNull(localDeviceIds, "localDeviceIds"));
    tls = tls == null ? TlsOptions.DEFAULTS : tls;
  }

  /** Whether any server URI needs TLS ({@code ssl://}, {@code wss://}). */
  public boolean usesTls() {
    return serverUris.stream().anyMatch(u -> u.startsWith("ssl://") || u.startsWith("wss://"));
  }

  /** The topics under {@link #topicPrefix()}. */
  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** A builder with every default set; only the server URIs are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A copy of the password (the caller may wipe it), or null. */
  @Override
  public char[] password() {
    return password == null ? null : password.clone();
  }

  @Override
  public String toString() {
    return "MqttOptions[serverUris="
        + serverUris
        + ", clientId="
        + clientId
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", topicPrefix="
        + topicPrefix
        + ", readingQos="
        + readingQos
        + ", cleanSession="
        + cleanSession
        + ", keepAlive="
        + keepAlive
        + ", reconnect="
        + reconnectMin
        + ".."
        + reconnectMax
        + ", drainRatePerSecond="
        + drainRatePerSecond
        + ", inflightWindow="
        + inflightWindow
        + ", subscribe="
        + subscribe
        + ", defaultDevice="
        + defaultDevice
        + ", localDeviceIds="
        + localDeviceIds
        + ", tls="
        + tls
        + "]";
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

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final List<String> serverUris = new ArrayList<>();
    private String clientId;
    private String username;
    private char[] password;
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private int readingQos = 1;
    private boolean cleanSession = false;
    private Duration keepAlive = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration reconnectMin = Duration.ofSeconds(1);
    private Duration reconnectMax = Duration.ofSeconds(8);
    private int drainRatePerSecond = 500;
    private int inflightWindow = 10;
    private boolean subscribe = true;
    private String defaultDevice = "default";
    private Set<String> localDeviceIds = Set.of();
    private TlsOptions tls = TlsOptions.DEFAULTS;

    private Builder() {}

    public Builder tls(TlsOptions v) {
      tls = v;
      return this;
    }

    public Builder serverUri(String uri) {
      serverUris.add(uri);
      return this;
    }

    public Builder serverUris(List<String> uris) {
      serverUris.clear();
      serverUris.addAll(uris);
      return this;
    }

    public Builder clientId(String v) {
      clientId = v;
      return this;
    }

    public Builder username(String v) {
      username = v;
      return this;
    }

    public Builder password(char[] v) {
      password = v == null ? null : v.clone();
      return this;
    }

    public Builder topicPrefix(String v) {
      topicPrefix = v;
      return this;
    }

    public Builder readingQos(int v) {
      readingQos = v;
      return this;
    }

    public Builder cleanSession(boolean v) {
      cleanSession = v;
      return this;
    }

    public Builder keepAlive(Duration v) {
      keepAlive = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder reconnect(Duration min, Duration max) {
      reconnectMin = min;
      reconnectMax = max;
      return this;
    }

    public Builder drainRatePerSecond(int v) {
      drainRatePerSecond = v;
      return this;
    }

    public Builder inflightWindow(int v) {
      inflightWindow = v;
      return this;
    }

    public Builder subscribe(boolean v) {
      subscribe = v;
      return this;
    }

    public Builder defaultDevice(String v) {
      defaultDevice = v;
      return this;
    }

    public Builder localDeviceIds(Set<String> v) {
      localDeviceIds = v;
      return this;
    }

    public MqttOptions build() {
      return new MqttOptions(
          serverUris,
          clientId == null ? defaultClientId() : clientId,
          username,
          password,
          topicPrefix,
          readingQos,
          cleanSession,
          keepAlive,
          connectTimeout,
          reconnectMin,
          reconnectMax,
          drainRatePerSecond,
          inflightWindow,
          subscribe,
          defaultDevice,
          localDeviceIds,
          tls);
    }
  }
}
