package net.dhtedge.agent.cli;

import java.io.PrintWriter;
import net.dhtedge.agent.config.LoadedConfig;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.mqtt.EmbeddedBroker;

/** What the agent prints once it is up: where to look and what to try. */
final class Banner {
  private Banner() {}

  static void print(Agent agent, LoadedConfig loaded, PrintWriter out) {
    var c = loaded.config();
    out.println("edge-agent " + VersionProvider.version() + " is running (" + agent.mode() + ")");
    out.println("  config:      " + (loaded.file() == null ? "built-in defaults" : loaded.file()));
    out.println("  data dir:    " + c.agent().dataDir().toAbsolutePath().normalize());
    if (agent.httpPort() > 0) {
      out.println("  status page: http://localhost:" + agent.httpPort() + "/");
      out.println("  status API:  http://localhost:" + agent.httpPort() + "/api/status");
      if (c.http().dashboardDir() != null) {
        out.println("  dashboard:   http://localhost:" + agent.httpPort() + "/dashboard/");
      } else if (agent.mode().equals("demo")) {
        out.println(
            "  dashboard:   not served (build it: cd dashboard-static && npm ci && npm run build;"
                + " then restart)");
      }
    }
    if (agent.broker() != null) {
      int tcp = agent.broker().tcpPort();
      out.println(
          "  MQTT (TCP):  "
              + agent.broker().tcpUrl()
              + "   (embedded broker"
              + (tcp == EmbeddedBroker.DEFAULT_TCP_PORT
                  ? ")"
                  : "; " + EmbeddedBroker.DEFAULT_TCP_PORT + " is taken)"));
      String ws = agent.broker().webSocketUrl();
      if (ws != null) {
        out.println(
            "  MQTT (WS):   "
                + ws
                + (ws.contains(":" + EmbeddedBroker.DEFAULT_WEB_SOCKET_PORT + "/")
                    ? ""
                    : "   (" + EmbeddedBroker.DEFAULT_WEB_SOCKET_PORT + " is taken)"));
      }
    } else if (agent.connection() != null) {
      out.println("  MQTT:        " + String.join(", ", agent.connection().options().serverUris()));
    } else {
      out.println("  MQTT:        off");
    }
    Topics t = new Topics(c.mqtt().topicPrefix());
    out.println(
        "  topics:      "
            + t.sensorData()
            + ", "
            + t.incidents()
            + ", "
            + t.alerts()
            + ", "
            + t.status());
    agent
        .sensors()
        .forEach(
            s ->
                out.println(
                    "  sensor:      " + s.status().sensorId() + " (" + s.status().backend() + ")"));
    if (agent.broker() != null) {
      String url = agent.broker().tcpUrl();
      out.println("Try:");
      out.println(
          "  bin/edge-agent publish --broker "
              + url
              + " --device esp32-test --temp 31 --hum 60   # opens an incident");
      out.println("  mosquitto_sub -L '" + url.replace("tcp://", "mqtt://") + "/dht11/#' -v");
    }
    out.println("Ctrl-C stops it.");
    out.flush();
  }
}
