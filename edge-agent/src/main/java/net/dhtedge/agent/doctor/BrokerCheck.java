package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.mqtt.EmbeddedBroker;
import net.dhtedge.agent.mqtt.MqttOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Connects to each configured broker with the configured user name and password (Paho, clean
 * session, then disconnects). The client id gets a {@code -doctor} suffix so the running agent is
 * not thrown off the broker by a second client with its id.
 */
public final class BrokerCheck extends Check {

  public BrokerCheck(DoctorEnv env) {
    super("broker", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    MqttOptions m = config.mqtt();
    if (!m.enabled()) {
      return List.of(Finding.ok(name(), "MQTT is off (mqtt.enabled: false)"));
    }
    if (m.embedded()) {
      return List.of(
          EmbeddedBroker.available()
              ? Finding.ok(name(), "embedded broker: started by the agent itself")
              : Finding.fail(
                  name(),
                  "embedded broker: not in this jar (the Debian package has none)",
                  "set mqtt.servers to a broker, e.g. [tcp://localhost:1883] with Mosquitto"
                      + " (sudo apt install mosquitto); the embedded one is for bin/edge-agent"
                      + " demo in a clone"));
    }
    List<Finding> out = new ArrayList<>();
    String id = doctorId(m, config.agent().name(), config.agent().dataDir());
    for (URI server : m.servers()) {
      out.add(connect(m, server, id));
    }
    return out;
  }

  private Finding connect(MqttOptions m, URI server, String clientId) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setAutomaticReconnect(false);
    o.setConnectionTimeout((int) Math.max(1, env.networkTimeout().toSeconds()));
    o.setKeepAliveInterval(0);
    if (m.username() != null) {
      o.setUserName(m.username());
    }
    if (m.password() != null) {
      o.setPassword(m.password().reveal().toCharArray());
    }
    String scheme = server.getScheme();
    if ("ssl".equals(scheme) || "wss".equals(scheme)) {
      try {
        o.setSocketFactory(Pem.context(m.tls()).getSocketFactory());
      } catch (IOException e) {
        return Finding.fail(name(), server + ": " + e.getMessage(), "fix mqtt.tls");
      }
      o.setHttpsHostnameVerificationEnabled(m.tls().verifyHostname());
    }
    String user = m.username() == null ? "anonymous" : "user " + m.username();
    try (MqttClient c = new MqttClient(server.toString(), clientId, new MemoryPersistence())) {
      c.setTimeToWait(env.networkTimeout().toMillis());
      c.connect(o);
      c.disconnect();
      return Finding.ok(name(), server + ": connected as " + user);
    } catch (MqttException e) {
      return explain(server, user, e);
    }
  }

  private Finding explain(URI server, String user, MqttException e) {
    int code = e.getReasonCode();
    // Mosquitto answers a wrong password with "not authorized" (5), others with 4: both mean
    // the broker did not accept who we said we are.
    if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
        || code == MqttException.REASON_CODE_NOT_AUTHORIZED) {
      return refused(server, user, code);
    }
    Throwable cause = Causes.root(e);
    if (cause instanceof UnknownHostException) {
      return Finding.fail(
          name(),
          server + ": unknown host " + server.getHost(),
          "check mqtt.servers and DNS (getent hosts " + server.getHost() + ")");
    }
    if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
      return Finding.fail(
          name(),
          server + ": unreachable (" + cause.getMessage() + ")",
          "start the broker (sudo systemctl status mosquitto) or fix the host/port in mqtt.servers");
    }
    if (Causes.has(e, SSLException.class)) {
      return Finding.fail(
          name(),
          server + ": TLS handshake failed: " + cause.getMessage(),
          "see the tls line below; check mqtt.tls.ca_file and the broker's certificate");
    }
    if (code == MqttException.REASON_CODE_CLIENT_TIMEOUT
        || cause instanceof SocketTimeoutException) {
      return Finding.fail(
          name(),
          server + ": no answer within " + env.networkTimeout().toSeconds() + " s",
          "check the firewall and that this port speaks MQTT");
    }
    return Finding.fail(
        name(),
        server + ": cannot connect: " + e.getMessage() + (cause != e ? " (" + cause + ")" : ""),
        "check mqtt.servers and the broker's log");
  }

  private Finding refused(URI server, String user, int code) {
    String why =
        code == MqttException.REASON_CODE_NOT_AUTHORIZED
            ? "not authorized"
            : "bad user name or password";
    if (user.equals("anonymous")) {
      return Finding.fail(
          name(),
          server + ": the broker refused the credentials (anonymous: " + why + ")",
          "the broker wants a login: set mqtt.username and mqtt.password_file");
    }
    return Finding.fail(
        name(),
        server + ": the broker refused the credentials (" + user + ": " + why + ")",
        "check mqtt.username and the password (mqtt.password_file or EDGE_AGENT_MQTT_PASSWORD)"
            + " against the broker's password file");
  }

  private static String doctorId(MqttOptions m, String agentName, java.nio.file.Path dataDir) {
    String id =
        net.dhtedge.agent.mqtt.ClientIdFile.resolve(m.clientId(), agentName, dataDir, false)
            + "-doctor";
    return id.length() > 128 ? id.substring(0, 128) : id;
  }
}
