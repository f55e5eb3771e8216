package net.dhtedge.agent.mail;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * {@link MailTransport} over Angus Mail's SMTP transport. STARTTLS is required when configured
 * (never a silent fall-back to plain text), SMTPS speaks TLS from the first byte, the server's
 * certificate must match its host name, and only TLS 1.2 or newer is offered.
 */
public final class SmtpTransport implements MailTransport {

  private final MailOptions options;
  private final Session session;
  private final String protocol;

  public SmtpTransport(MailOptions options) {
    this.options = options;
    this.protocol = options.security() == MailOptions.Security.SMTPS ? "smtps" : "smtp";
    this.session = Session.getInstance(properties(options, protocol));
  }

  static Properties properties(MailOptions o, String protocol) {
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", o.host());
    props.put(p + "port", Integer.toString(o.port()));
    String ms = Long.toString(o.timeout().toMillis());
    props.put(p + "connectiontimeout", ms);
    props.put(p + "timeout", ms);
    props.put(p + "writetimeout", ms);
    props.put(p + "auth", Boolean.toString(o.username() != null));
    props.put(p + "ssl.checkserveridentity", "true");
    props.put(p + "ssl.protocols", "TLSv1.3 TLSv1.2");
    switch (o.security()) {
      case STARTTLS -> {
        props.put(p + "starttls.enable", "true");
        props.put(p + "starttls.required", "true");
      }
      case SMTPS -> props.put(p + "ssl.enable", "true");
      case NONE -> props.put(p + "starttls.enable", "false");
    }
    if (o.socketFactory() != null) {
      props.put(p + "ssl.socketFactory", o.socketFactory());
    }
    return props;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public Outcome send(MimeMessage message) throws SendException {
    boolean connected = false;
    boolean tls = false;
    boolean auth = false;
    Transport t;
    try {
      t = session.getTransport(protocol);
    } catch (MessagingException e) {
      throw new SendException(new Outcome(false, false, false, false, oneLine(e)), e);
    }
    try {
      String password = options.password() == null ? null : options.password().reveal();
      t.connect(options.host(), options.port(), options.username(), password);
      connected = true;
      tls = t instanceof SMTPTransport s && s.isSSL();
      auth = options.username() != null;
      t.sendMessage(message, message.getAllRecipients());
      String reply = t instanceof SMTPTransport s ? s.getLastServerResponse() : "accepted";
      return new Outcome(true, tls, auth, true, trim(reply));
    } catch (AuthenticationFailedException e) {
      // Angus closes the socket when the login fails, so isSSL() is false by now; but with SMTPS,
      // or STARTTLS required, nothing reaches AUTH without TLS (StartTlsTest checks it from the
      // server's side).
      throw new SendException(
          new Outcome(
              true,
              options.security() != MailOptions.Security.NONE,
              false,
              false,
              "login refused for user '" + options.username() + "': " + oneLine(e)),
          e);
    } catch (SendFailedException e) {
      throw new SendException(
          new Outcome(connected, tls, auth, false, "refused: " + oneLine(e)), e);
    } catch (MessagingException e) {
      String refused = connected ? null : tlsRefused(e);
      if (refused != null) {
        // The handshake runs inside connect(): the TCP connection was made, TLS was not.
        throw new SendException(new Outcome(true, false, false, false, explain(e), refused), e);
      }
      throw new SendException(new Outcome(connected, tls, auth, false, explain(e)), e);
    } finally {
      try {
        t.close();
      } catch (MessagingException ignored) {
        // The message was accepted or not; a failed QUIT changes nothing.
      }
    }
  }

  /**
   * Why the TLS handshake failed, in a few words, when {@code e} comes from one (an {@link
   * javax.net.ssl.SSLException} among its causes); null otherwise (no TCP connection, or a failure
   * that is not TLS).
   */
  private String tlsRefused(MessagingException e) {
    boolean handshake = false;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        handshake = true;
      }
      if (c instanceof java.security.cert.CertificateException) {
        String m = String.valueOf(c.getMessage());
        if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
          return "server certificate not valid for host name '" + options.host() + "'";
        }
      }
    }
    if (!handshake) {
      return null;
    }
    if (oneLine(e).contains("PKIX path building failed")) {
      return "server certificate not trusted by "
          + (options.socketFactory() == null ? "the JVM's trust store" : "the configured CA");
    }
    return "TLS handshake failed";
  }

  /**
   * {@link #oneLine} with what a certificate failure means in front: the JDK's own words ("No
   * subject alternative DNS name matching x found", "PKIX path building failed") do not say which
   * check failed or what to change.
   */
  private String explain(MessagingException e) {
    String line = oneLine(e);
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.security.cert.CertificateException) {
        String m = String.valueOf(c.getMessage());
        if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
          return "server certificate is not valid for host name '"
              + options.host()
              + "' (host-name verification failed; set mail.host to a name in the certificate): "
              + line;
        }
      }
    }
    if (line.contains("PKIX path building failed")) {
      return "server certificate not trusted by "
          + (options.socketFactory() == null ? "the JVM's trust store" : "the configured CA")
          + ": "
          + line;
    }
    return line;
  }

  private static String trim(String s) {
    return s == null ? null : s.strip();
  }

  /** The exception and its causes on one line, e.g. for "PKIX path building failed". */
  static String oneLine(Throwable e) {
    StringBuilder b = new StringBuilder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m == null) {
        m = c.getClass().getSimpleName();
      }
      m = m.replaceAll("\\s+", " ").strip();
      if (seen.add(m)) {
        if (b.length() > 0) {
          b.append(": ");
        }
        b.append(m);
      }
    }
    return b.toString();
  }
}
