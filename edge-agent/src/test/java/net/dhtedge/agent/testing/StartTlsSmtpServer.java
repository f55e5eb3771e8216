package net.dhtedge.agent.testing;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server that offers STARTTLS (SubEthaSMTP, in-process) on a free port of 127.0.0.1,
 * with a server certificate from {@link TestPki} and one user (AUTH PLAIN and LOGIN). It does not
 * require TLS itself and even advertises AUTH before STARTTLS, so that a client which logs in or
 * sends in clear text would get through: what it records ({@link Login#tls()}, {@link
 * Received#tls()}) is then the client's doing, seen from the server's side.
 *
 * <pre>{@code
 * try (StartTlsSmtpServer smtp = StartTlsSmtpServer.start(pki.issue(...), "agent", "s3cret")) {
 *   ... smtp.port() ... smtp.received() ...
 * }
 * }</pre>
 */
public final class StartTlsSmtpServer implements AutoCloseable {

  /**
   * One AUTH attempt.
   *
   * @param user the user name the client sent
   * @param accepted whether the password was right
   * @param tls whether the session had been upgraded with STARTTLS when AUTH came
   */
  public record Login(String user, boolean accepted, boolean tls) {}

  /**
   * One accepted mail.
   *
   * @param from envelope sender
   * @param recipients envelope recipients
   * @param subject decoded Subject header
   * @param text the text/plain part
   * @param tls whether the session was TLS (STARTTLS done, an SSLSocket underneath) at DATA
   * @param user the authenticated user, or null
   */
  public record Received(
      String from,
      List<String> recipients,
      String subject,
      String text,
      boolean tls,
      String user) {}

  private final SMTPServer server;
  private final List<Login> logins = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private StartTlsSmtpServer(TestPki.Issued cert, String user, String password) {
    this.server =
        SMTPServer.port(0)
            .bindAddress(InetAddress.getLoopbackAddress())
            .hostName("smtp.test")
            .enableTLS()
            .requireTLS(false)
            .showAuthCapabilitiesBeforeSTARTTLS(true)
            .startTlsSocketFactory(sslContext(cert), false)
            .authenticationHandlerFactory(
                new EasyAuthenticationHandlerFactory(
                    (u, p, ctx) -> {
                      boolean ok = user.equals(u) && password.equals(p);
                      logins.add(new Login(u, ok, tls(ctx)));
                      if (!ok) {
                        throw new LoginFailedException("bad user name or password");
                      }
                    }))
            .messageHandlerFactory(Handler::new)
            .connectionTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
            .build();
  }

  /** Starts a server presenting {@code cert} for STARTTLS and accepting {@code user}. */
  public static StartTlsSmtpServer start(TestPki.Issued cert, String user, String password) {
    StartTlsSmtpServer s = new StartTlsSmtpServer(cert, user, password);
    s.server.start();
    return s;
  }

  /** The port it listens on (127.0.0.1). */
  public int port() {
    return server.getPortAllocated();
  }

  /** AUTH attempts so far, in order. */
  public List<Login> logins() {
    return List.copyOf(logins);
  }

  /** Mails accepted so far, in order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Stops the server. Safe to call twice. */
  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
    }
  }

  private static boolean tls(MessageContext ctx) {
    return ctx instanceof org.subethamail.smtp.server.Session s
        && s.isTLSStarted()
        && s.getSocket() instanceof SSLSocket;
  }

  private static SSLContext sslContext(TestPki.Issued cert) {
    try (InputStream in = java.nio.file.Files.newInputStream(cert.p12())) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, cert.p12Password().toCharArray());
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, cert.p12Password().toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot load the SMTP server key store " + cert.p12(), e);
    }
  }

  private final class Handler implements MessageHandler {
    private final MessageContext ctx;
    private String from;
    private final List<String> recipients = new ArrayList<>();

    Handler(MessageContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void from(String address) throws RejectException {
      from = address;
    }

    @Override
    public void recipient(String address) throws RejectException {
      recipients.add(address);
    }

    @Override
    public String data(InputStream data) throws IOException {
      try {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), data);
        String user =
            ctx.getAuthenticationHandler()
                .map(h -> h.getIdentity() == null ? null : h.getIdentity().toString())
                .orElse(null);
        received.add(
            new Received(from, List.copyOf(recipients), m.getSubject(), text(m), tls(ctx), user));
      } catch (jakarta.mail.MessagingException e) {
        throw new IOException("cannot parse the mail", e);
      }
      return null;
    }

    @Override
    public void done() {}
  }

  private static String text(Part p) throws jakarta.mail.MessagingException, IOException {
    if (p.isMimeType("text/plain")) {
      return (String) p.getContent();
    }
    if (p.getContent() instanceof Multipart mp) {
      for (int i = 0; i < mp.getCount(); i++) {
        String t = text(mp.getBodyPart(i));
        if (t != null) {
          return t;
        }
      }
    }
    return null;
  }
}
