package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.mqtt.MqttOptions;

/**
 * For each {@code ssl://} or {@code wss://} broker: a TLS handshake with the configured trust
 * ({@code mqtt.tls.ca_file}, else the JVM's CAs) and, unless {@code verify_hostname: false}, the
 * host-name check. Tells an untrusted certificate from a host-name mismatch, and warns when the
 * certificate expires within 14 days.
 */
public final class TlsCheck extends Check {

  static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  public TlsCheck(DoctorEnv env) {
    super("tls", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    MqttOptions m = config.mqtt();
    List<Finding> out = new ArrayList<>();
    if (m.enabled() && !m.embedded()) {
      for (URI s : m.servers()) {
        if ("ssl".equals(s.getScheme()) || "wss".equals(s.getScheme())) {
          out.add(handshake(m, s));
        }
      }
    }
    if (out.isEmpty()) {
      out.add(Finding.ok(name(), "no ssl:// or wss:// broker configured"));
    }
    return out;
  }

  private Finding handshake(MqttOptions m, URI server) {
    String trust = m.tls().caFile() == null ? "the JVM's CAs" : m.tls().caFile().toString();
    SSLContext ctx;
    try {
      ctx = Pem.context(m.tls());
    } catch (IOException e) {
      return Finding.fail(name(), server + ": " + e.getMessage(), "fix mqtt.tls");
    }
    int port =
        server.getPort() > 0 ? server.getPort() : "wss".equals(server.getScheme()) ? 443 : 8883;
    int timeout = (int) env.networkTimeout().toMillis();
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(server.getHost(), port), timeout);
      plain.setSoTimeout(timeout);
      try (SSLSocket tls =
          (SSLSocket) ctx.getSocketFactory().createSocket(plain, server.getHost(), port, false)) {
        if (m.tls().verifyHostname()) {
          SSLParameters p = tls.getSSLParameters();
          p.setEndpointIdentificationAlgorithm("HTTPS");
          tls.setSSLParameters(p);
        }
        tls.startHandshake();
        X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant now = env.clock().instant();
        if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
          return Finding.warn(
              name(),
              server + ": trusted, but the certificate expires " + notAfter,
              "renew the broker's certificate");
        }
        return Finding.ok(
            name(),
            server
                + ": trusted by "
                + trust
                + (m.tls().verifyHostname() ? ", host name matches" : ", host name NOT checked")
                + ", valid until "
                + notAfter);
      }
    } catch (IOException e) {
      return explain(server, trust, e);
    }
  }

  private Finding explain(URI server, String trust, IOException e) {
    if (Causes.has(e, CertificateExpiredException.class)) {
      return Finding.fail(
          name(), server + ": the broker's certificate has expired", "renew it on the broker");
    }
    if (Causes.has(e, CertPathBuilderException.class)
        || Causes.has(e, CertPathValidatorException.class)) {
      return Finding.fail(
          name(),
          server + ": the broker's certificate is not signed by a CA in " + trust,
          "set mqtt.tls.ca_file to the CA that signed the broker's certificate");
    }
    String msg = String.valueOf(rootMessage(Causes.root(e)));
    if (msg.contains("No subject alternative") || msg.contains("No name matching")) {
      return Finding.fail(
          name(),
          server + ": the certificate does not name host " + server.getHost() + " (" + msg + ")",
          "connect by the name in the certificate, or reissue it with this name"
              + " (verify_hostname: false only as a last resort)");
    }
    if (e instanceof java.net.ConnectException || e instanceof java.net.UnknownHostException) {
      return Finding.fail(
          name(), server + ": unreachable (" + e.getMessage() + ")", "see the broker line");
    }
    return Finding.fail(
        name(), server + ": TLS handshake failed: " + msg, "check the broker's TLS listener");
  }

  private static String rootMessage(Throwable c) {
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
