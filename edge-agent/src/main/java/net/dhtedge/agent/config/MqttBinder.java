package net.dhtedge.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code mqtt:} section. */
final class MqttBinder {

  static final String PASSWORD_ENV = "EDGE_AGENT_MQTT_PASSWORD";
  static final String EMBEDDED = "embedded";
  static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");
  static final String SCHEMES_TEXT = "tcp://, ssl://, ws://, wss:// or the word embedded";

  private final BindContext ctx;

  MqttBinder(BindContext ctx) {
    this.ctx = ctx;
  }

  MqttConfig bind(Section root, String agentName) {
    Section s = root.child("mqtt");
    boolean enabled = s.bool("enabled", true);
    boolean embedded = false;
    List<URI> servers = List.of(MqttConfig.DEFAULT_SERVER);
    List<Section.Item> items = s.texts("servers");
    if (items != null) {
      servers = new ArrayList<>();
      for (Section.Item item : items) {
        if (item.text().trim().equalsIgnoreCase(EMBEDDED)) {
          embedded = true;
        } else {
          Optional<String> error = parseServer(item.text());
          if (error.isPresent()) {
            ctx.problems().error(item.line(), item.path(), error.get());
          } else {
            servers.add(URI.create(item.text().trim()));
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
    // Null: the default, one id per data dir, made once and kept there (cli.ClientIdFile).
    String clientId = s.has("client_id") ? s.text("client_id", null) : null;
    if (clientId != null && !clientId.matches("[\\x21-\\x7e]{1,128}")) {
      s.error(
          "client_id",
          "\"" + clientId + "\" must be 1 to 128 printable ASCII characters, no spaces");
    }
    String username = s.text("username", null);
    Secret password = new SecretReader(ctx).read(s, "password", "password_file", PASSWORD_ENV);
    String prefix = s.text("topic_prefix", "dht11");
    Values.checkTopicPrefix(s, "topic_prefix", prefix);
    int qos = s.integer("reading_qos", 1, 0, 1, "");
    boolean subscribe = s.bool("subscribe", true);
    String defaultDevice = s.text("default_device", "default");
    Values.checkDeviceId(s, "default_device", defaultDevice);
    Duration keepAlive =
        s.duration("keep_alive", Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(65535));
    if (keepAlive.toMillis() % 1000 != 0) {
      s.error(
          "keep_alive",
          Durations.format(keepAlive)
              + " is not whole seconds (MQTT counts keep-alive in seconds)");
    }
    Duration rMin =
        s.duration(
            "reconnect_min", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofHours(1));
    Duration rMax =
        s.duration(
            "reconnect_max", Duration.ofSeconds(8), Duration.ofMillis(100), Duration.ofHours(1));
    if (rMax.compareTo(rMin) < 0) {
      s.error(
          "reconnect_max",
          Durations.format(rMax) + " is below reconnect_min (" + Durations.format(rMin) + ")");
    }
    int drain = s.integer("drain_rate", 500, 1, 100_000, " msg/s");
    TlsConfig tls = tls(s, servers);
    return new MqttConfig(
        enabled,
        embedded,
        servers,
        clientId,
        username,
        password,
        prefix,
        qos,
        subscribe,
        defaultDevice,
        keepAlive,
        rMin,
        rMax,
        drain,
        tls);
  }

  /** Checks one broker URI; returns the error text, or empty when it is fine. */
  static Optional<String> parseServer(String text) {
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

  private static TlsConfig tls(Section mqtt, List<URI> servers) {
    Section s = mqtt.child("tls");
    Path ca = Values.readableFile(s, "ca_file");
    Path cert = Values.readableFile(s, "cert_file");
    Path key = Values.readableFile(s, "key_file");
    boolean verify = s.bool("verify_hostname", true);
    if ((cert == null) != (key == null) && !(s.has("cert_file") && s.has("key_file"))) {
      String missing = cert == null ? "cert_file" : "key_file";
      s.problems()
          .error(
              s.line(),
              s.pathOf(missing),
              "required: cert_file and key_file are set together (mutual TLS)");
    }
    if (!verify) {
      s.warn(
          "verify_hostname",
          "host name verification is off: any certificate the CA signed is accepted for this broker");
    }
    boolean anyTls =
        servers.stream()
            .anyMatch(
                u ->
                    u.getScheme().equalsIgnoreCase("ssl") || u.getScheme().equalsIgnoreCase("wss"));
    boolean tlsSet = ca != null || cert != null || key != null || !verify;
    if (tlsSet && !anyTls && !servers.isEmpty()) {
      mqtt.warn("tls", "ignored: no ssl:// or wss:// server is configured");
    }
    return new TlsConfig(ca, cert, key, verify);
  }
}
