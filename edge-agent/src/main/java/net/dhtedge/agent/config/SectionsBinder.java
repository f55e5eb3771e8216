package net.dhtedge.agent.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.dhtedge.agent.store.StoreOptions;

/** Reads the small sections: agent, store, http, mail, homeassistant. */
final class SectionsBinder {

  static final String[] AGENT_KEYS = {"data_dir", "name", "log_level"};
  static final String[] STORE_KEYS = {
    "write_delay",
    "retention_raw",
    "retention_minute",
    "retention_hour",
    "outbox_capacity",
    "max_devices",
    "local_sync_interval"
  };
  static final String[] HTTP_KEYS = {
    "bind",
    "port",
    "token",
    "token_file",
    "read_requires_token",
    "cors_origins",
    "max_connections",
    "idle_timeout",
    "dashboard_dir"
  };
  static final String[] MAIL_KEYS = {
    "enabled",
    "host",
    "port",
    "security",
    "username",
    "password",
    "password_file",
    "from",
    "to",
    "rate_limit",
    "status_url"
  };
  static final String[] HA_KEYS = {"discovery", "prefix"};
  static final String HTTP_TOKEN_ENV = "EDGE_AGENT_HTTP_TOKEN";
  static final String DASHBOARD_DIR_ENV = "EDGE_AGENT_DASHBOARD_DIR";
  static final String SMTP_PASSWORD_ENV = "EDGE_AGENT_SMTP_PASSWORD";

  private final BindContext ctx;

  SectionsBinder(BindContext ctx) {
    this.ctx = ctx;
  }

  AgentSettings agent(Section root) {
    Section s = root.child("agent", AGENT_KEYS);
    Path dataDir = Values.path(s, "data_dir", s.text("data_dir", "./data"));
    String name = s.text("name", ctx.defaultName());
    Values.checkDeviceId(s, "name", name);
    AgentSettings.LogLevel level =
        s.choice("log_level", AgentSettings.LogLevel.INFO, AgentSettings.LogLevel.class);
    return new AgentSettings(dataDir == null ? Path.of("./data") : dataDir, name, level);
  }

  StoreConfig store(Section root) {
    Section s = root.child("store", STORE_KEYS);
    StoreConfig d = StoreConfig.DEFAULTS;
    Duration maxRetention = Duration.ofDays(36500);
    return new StoreConfig(
        s.duration("write_delay", d.writeDelay(), Duration.ZERO, Duration.ofSeconds(1)),
        s.duration("retention_raw", d.retentionRaw(), Duration.ofHours(1), maxRetention),
        s.duration("retention_minute", d.retentionMinute(), Duration.ofHours(1), maxRetention),
        s.duration("retention_hour", d.retentionHour(), Duration.ofHours(1), maxRetention),
        s.integer("outbox_capacity", d.outboxCapacity(), 100, 10_000_000, " messages"),
        s.integer("max_devices", d.maxDevices(), 1, 1_000_000, " devices"),
        s.duration(
            "local_sync_interval",
            d.localSyncInterval(),
            Duration.ZERO,
            Duration.ofMillis(StoreOptions.MAX_LOCAL_SYNC_INTERVAL_MILLIS)));
  }

  HttpConfig http(Section root) {
    Section s = root.child("http", HTTP_KEYS);
    HttpConfig d = HttpConfig.DEFAULTS;
    String bind = s.text("bind", d.bind());
    if (!bind.matches("[A-Za-z0-9.:%_\\[\\]-]+")) {
      s.error("bind", "\"" + bind + "\" is not an address (e.g. 0.0.0.0, 127.0.0.1, ::)");
    }
    int port = s.integer("port", d.port(), 0, 65535, "; 0 = off");
    Secret token = new SecretReader(ctx).read(s, "token", "token_file", HTTP_TOKEN_ENV);
    if (token != null && token.reveal().length() < 16) {
      s.warn(s.has("token") ? "token" : "token_file", "the token is shorter than 16 characters");
    }
    boolean readToken = s.bool("read_requires_token", false);
    if (readToken && token == null && !s.has("token") && !s.has("token_file")) {
      s.error(
          "read_requires_token",
          "true needs a token (http.token, http.token_file or " + HTTP_TOKEN_ENV + ")");
    }
    List<String> cors = new ArrayList<>();
    List<Section.Item> items = s.texts("cors_origins");
    if (items != null) {
      for (Section.Item item : items) {
        String o = item.text().trim();
        if (o.equals("*") || o.matches("https?://[A-Za-z0-9.-]+(:([0-9]{1,5}|\\*))?")) {
          cors.add(o);
        } else {
          ctx.problems()
              .error(
                  item.line(),
                  item.path(),
                  "\""
                      + o
                      + "\" is not an origin (use * or scheme://host[:port], port * for any,"
                      + " no path)");
        }
      }
    }
    int maxConnections = s.integer("max_connections", d.maxConnections(), 4, 65_536, "");
    java.time.Duration idle =
        s.duration(
            "idle_timeout",
            d.idleTimeout(),
            java.time.Duration.ofMillis(100),
            java.time.Duration.ofMinutes(10));
    return new HttpConfig(
        bind, port, token, readToken, cors, maxConnections, idle, dashboardDir(s));
  }

  /** {@code http.dashboard_dir}, else {@code $EDGE_AGENT_DASHBOARD_DIR}: a built dashboard. */
  private Path dashboardDir(Section s) {
    String fromEnv = ctx.env().apply(DASHBOARD_DIR_ENV);
    boolean inFile = s.has("dashboard_dir");
    if (!inFile && (fromEnv == null || fromEnv.isBlank())) {
      return null;
    }
    Path dir = Values.path(s, "dashboard_dir", inFile ? s.text("dashboard_dir", null) : fromEnv);
    if (dir == null) {
      return null;
    }
    String problem = null;
    if (!java.nio.file.Files.isDirectory(dir)) {
      problem = dir + ": no such directory";
    } else if (!java.nio.file.Files.isRegularFile(dir.resolve("index.html"))) {
      problem =
          dir
              + " has no index.html (build the dashboard: cd dashboard-static && npm ci && npm run build)";
    }
    if (problem != null) {
      if (inFile) {
        s.error("dashboard_dir", problem);
      } else {
        ctx.problems().error(0, DASHBOARD_DIR_ENV, problem);
      }
      return null;
    }
    return dir;
  }

  MailConfig mail(Section root) {
    Section s = root.child("mail", MAIL_KEYS);
    MailConfig d = MailConfig.DEFAULTS;
    boolean enabled = s.bool("enabled", d.enabled());
    String host = s.text("host", null);
    int port = s.integer("port", d.port(), 1, 65535, "");
    MailConfig.Security security = s.choice("security", d.security(), MailConfig.Security.class);
    String username = s.text("username", null);
    Secret password = new SecretReader(ctx).read(s, "password", "password_file", SMTP_PASSWORD_ENV);
    String from = s.text("from", null);
    if (from != null) {
      checkAddress(s.lineOf("from"), s.pathOf("from"), from);
    }
    List<String> to = new ArrayList<>();
    List<Section.Item> items = s.texts("to");
    if (items != null) {
      for (Section.Item item : items) {
        if (checkAddress(item.line(), item.path(), item.text())) {
          to.add(item.text().trim());
        }
      }
    }
    Duration rate = s.duration("rate_limit", d.rateLimit(), Duration.ZERO, Duration.ofDays(7));
    if (enabled) {
      for (String key : new String[] {"host", "from"}) {
        if (!s.has(key)) {
          ctx.problems().error(s.line(), s.pathOf(key), "required when mail is enabled");
        }
      }
      if (items == null) {
        ctx.problems()
            .error(s.line(), s.pathOf("to"), "required when mail is enabled: a list of recipients");
      }
    }
    if (security == MailConfig.Security.NONE
        && password != null
        && host != null
        && !isLocal(host)) {
      s.warn("security", "none sends the SMTP password unencrypted to " + host);
    }
    if (security == MailConfig.Security.SMTPS && port == 587
        || security == MailConfig.Security.STARTTLS && port == 465) {
      s.warn(
          "port",
          port
              + " usually goes with "
              + (port == 465 ? "smtps" : "starttls")
              + ", not "
              + security.name().toLowerCase(Locale.ROOT));
    }
    String statusUrl = s.text("status_url", null);
    if (statusUrl != null && !statusUrl.matches("https?://[^\\s\"<>]+")) {
      s.error("status_url", "\"" + statusUrl + "\" is not an http:// or https:// URL");
    }
    return new MailConfig(
        enabled, host, port, security, username, password, from, to, rate, statusUrl);
  }

  HomeAssistantConfig homeassistant(Section root) {
    Section s = root.child("homeassistant", HA_KEYS);
    HomeAssistantConfig d = HomeAssistantConfig.DEFAULTS;
    String prefix = s.text("prefix", d.prefix());
    Values.checkTopicPrefix(s, "prefix", prefix);
    return new HomeAssistantConfig(s.bool("discovery", d.discovery()), prefix);
  }

  private boolean checkAddress(int line, String path, String address) {
    try {
      new InternetAddress(address.trim(), true).validate();
      return true;
    } catch (AddressException e) {
      ctx.problems()
          .error(
              line, path, "\"" + address + "\" is not an e-mail address (" + e.getMessage() + ")");
      return false;
    }
  }

  private static boolean isLocal(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }
}
