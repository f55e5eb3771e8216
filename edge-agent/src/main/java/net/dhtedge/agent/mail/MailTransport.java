package net.dhtedge.agent.mail;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The seam in front of Jakarta Mail's {@code Transport}: one SMTP conversation per call. The
 * production implementation is {@link SmtpTransport}; the tests run it against GreenMail, a real
 * SMTP server.
 */
public interface MailTransport {

  /**
   * How far an SMTP conversation got.
   *
   * @param connected the TCP connection was made (for SMTPS the TLS handshake may still have
   *     failed, see {@code tlsRefused})
   * @param tls the conversation was encrypted (SMTPS, or STARTTLS succeeded)
   * @param authenticated the server accepted the login (false when no login is configured)
   * @param accepted the server accepted the message for delivery
   * @param reply the server's last reply, one line (e.g. {@code 250 OK}), or the failure
   * @param tlsRefused why the TLS handshake (SMTPS, or after STARTTLS) failed on a connection that
   *     was made, e.g. {@code server certificate not trusted by the JVM's trust store}; null when
   *     it did not fail or was not tried
   */
  record Outcome(
      boolean connected,
      boolean tls,
      boolean authenticated,
      boolean accepted,
      String reply,
      String tlsRefused) {

    /** An outcome without a TLS handshake failure. */
    public Outcome(
        boolean connected, boolean tls, boolean authenticated, boolean accepted, String reply) {
      this(connected, tls, authenticated, accepted, reply, null);
    }

    /** One line for logs and {@code mail-test}. */
    public String describe() {
      return "connected="
          + connected
          + " tls="
          + tls
          + " auth="
          + authenticated
          + " accepted="
          + accepted
          + (tlsRefused == null ? "" : " tls_refused=\"" + tlsRefused + "\"")
          + (reply == null ? "" : " reply=\"" + reply + "\"");
    }
  }

  /** A send that did not end with the server accepting the message. */
  final class SendException extends Exception {
    private final transient Outcome outcome;

    public SendException(Outcome outcome, Throwable cause) {
      super(outcome.reply(), cause);
      this.outcome = outcome;
    }

    public Outcome outcome() {
      return outcome;
    }
  }

  /** The session messages are built in (charset and address handling). */
  Session session();

  /** Connects, logs in, sends and disconnects; returns only when the server accepted it. */
  Outcome send(MimeMessage message) throws SendException;
}
