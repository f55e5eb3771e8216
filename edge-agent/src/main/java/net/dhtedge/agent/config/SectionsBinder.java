package net.dhtedge.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the small sections: agent, http. */
final class SectionsBinder {

  static final String HTTP_TOKEN_ENV = "EDGE_AGENT_HTTP_TOKEN";
  static final String DASHBOARD_DIR_ENV = "EDGE_AGENT_DASHBOARD_DIR";

  private final BindContext ctx;

  SectionsBinder(BindContext ctx) {
    this.ctx = ctx;
  }

  AgentSettings agent(Section root) {
    Section s = root.child("agent");
    Path dataDir = Values.path(s, "data_dir", s.text("data_dir", "./data"));
    String name = s.text("name", ctx.defaultName());
    Values.checkDeviceId(s, "name", name);
    AgentSettings.LogLevel level =
        s.choice("log_level", AgentSettings.LogLevel.INFO, AgentSettings.LogLevel.class);
    return new AgentSettings(dataDir == null ? Path.of("./data") : dataDir, name, level);
  }

  HttpConfig http(Section root) {
    Section s = root.child("http");
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
}
