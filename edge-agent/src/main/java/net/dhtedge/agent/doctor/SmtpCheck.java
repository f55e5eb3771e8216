package net.dhtedge.agent.doctor;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Properties;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.mail.MailOptions;

/**
 * When {@code mail.enabled}: connects to the SMTP server as the agent would (EHLO, STARTTLS when
 * {@code security: starttls}, which is then required, and AUTH when a user name is set), then
 * quits. No mail is sent.
 */
public final class SmtpCheck extends Check {

  public SmtpCheck(DoctorEnv env) {
    super("smtp", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    MailOptions m = config.mail();
    if (!m.enabled()) {
      return List.of(Finding.ok(name(), "mail is off (mail.enabled: false)"));
    }
    String protocol = m.security() == MailOptions.Security.SMTPS ? "smtps" : "smtp";
    String timeout = Long.toString(env.networkTimeout().toMillis());
    Properties p = new Properties();
    p.setProperty("mail.transport.protocol", protocol);
    p.setProperty("mail." + protocol + ".host", m.host());
    p.setProperty("mail." + protocol + ".port", Integer.toString(m.port()));
    p.setProperty("mail." + protocol + ".connectiontimeout", timeout);
    p.setProperty("mail." + protocol + ".timeout", timeout);
    p.setProperty("mail." + protocol + ".writetimeout", timeout);
    p.setProperty("mail." + protocol + ".auth", Boolean.toString(m.username() != null));
    if (m.security() == MailOptions.Security.STARTTLS) {
      p.setProperty("mail.smtp.starttls.enable", "true");
      p.setProperty("mail.smtp.starttls.required", "true");
    }
    if (m.security() != MailOptions.Security.NONE) {
      p.setProperty("mail." + protocol + ".ssl.checkserveridentity", "true");
    }
    String where = m.host() + ":" + m.port() + " (" + m.security().name().toLowerCase() + ")";
    String user = m.username() == null ? "no login" : "user " + m.username();
    Session session = Session.getInstance(p);
    try (Transport t = session.getTransport(protocol)) {
      t.connect(
          m.host(), m.port(), m.username(), m.password() == null ? null : m.password().reveal());
      boolean tls = t instanceof org.eclipse.angus.mail.smtp.SMTPTransport s && s.isSSL();
      return List.of(
          Finding.ok(
              name(),
              where + ": connected" + (tls ? " over TLS" : "") + ", " + user + " accepted"));
    } catch (AuthenticationFailedException e) {
      return List.of(
          Finding.fail(
              name(),
              where + ": the server refused the credentials (" + user + ")",
              "check mail.username and the password (mail.password_file or EDGE_AGENT_SMTP_PASSWORD)"));
    } catch (MessagingException e) {
      return List.of(explain(where, m.host(), e));
    }
  }

  private Finding explain(String where, String host, MessagingException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String msg = String.valueOf(e.getMessage());
    if (cause instanceof UnknownHostException) {
      return Finding.fail(name(), where + ": unknown host", "check mail.host and DNS");
    }
    if (cause instanceof ConnectException) {
      return Finding.fail(
          name(),
          where + ": unreachable (" + cause.getMessage() + ")",
          "check mail.host/mail.port (587 starttls, 465 smtps) and the firewall");
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof java.security.cert.CertificateException
          && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
        return Finding.fail(
            name(),
            where
                + ": the server's TLS certificate is not valid for host name '"
                + host
                + "' ("
                + m
                + ")",
            "set mail.host to a name in the server's certificate (the provider's documented host"
                + " name), not an IP address or alias");
      }
    }
    if (Causes.has(e, java.security.cert.CertPathBuilderException.class)
        || Causes.has(e, java.security.cert.CertPathValidatorException.class)) {
      return Finding.fail(
          name(),
          where + ": the server's TLS certificate is not signed by a CA the JVM trusts",
          "use the provider's public host name; for a private CA, add it to the JVM's trust store"
              + " (keytool -importcert -cacerts)");
    }
    if (msg.contains("STARTTLS is required")) {
      return Finding.fail(
          name(),
          where + ": the server does not offer STARTTLS",
          "use the provider's submission port (587), or security: smtps on 465");
    }
    if (msg.contains("No authentication mechanisms")
        || msg.contains("not support authentication")) {
      return Finding.fail(
          name(),
          where + ": the server offers no login (AUTH) here",
          "use security: starttls or smtps (many servers offer AUTH only over TLS), or drop"
              + " mail.username for a relay");
    }
    return Finding.fail(
        name(),
        where + ": " + msg + (cause != e ? " (" + cause.getMessage() + ")" : ""),
        "check the mail section against your provider's settings");
  }
}
