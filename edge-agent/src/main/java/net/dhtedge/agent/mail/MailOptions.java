package net.dhtedge.agent.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;
import net.dhtedge.agent.config.MailConfig;

/**
 * Everything the mail side is configured with, validated once.
 *
 * @param host SMTP server
 * @param port SMTP port
 * @param security STARTTLS (required, never opportunistic), SMTPS or NONE
 * @param username login, or null for none
 * @param password password, or null; not in {@link #toString()}
 * @param from sender address
 * @param to recipients (at least one)
 * @param rateLimit at most one mail per (device, rule) within this time; later ones wait and go out
 *     together as one digest; zero: no limit
 * @param statusUrl the status page linked from every mail
 * @param retryMin first delay after a failed send (then doubled)
 * @param retryMax longest delay between attempts
 * @param timeout connect/read timeout of one SMTP conversation
 * @param socketFactory TLS sockets to use (a private CA); null: the JVM's trust store
 */
public record MailOptions(
    String host,
    int port,
    MailConfig.Security security,
    String username,
    String password,
    String from,
    List<String> to,
    Duration rateLimit,
    String statusUrl,
    Duration retryMin,
    Duration retryMax,
    Duration timeout,
    SSLSocketFactory socketFactory) {

  public MailOptions {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("mail: host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("mail: port must be 1..65535: " + port);
    }
    Objects.requireNonNull(security, "security");
    if (password != null && username == null) {
      throw new IllegalArgumentException("mail: a password needs a username");
    }
    check(Objects.requireNonNull(from, "from"));
    to = List.copyOf(to);
    if (to.isEmpty()) {
      throw new IllegalArgumentException("mail: at least one recipient is required");
    }
    to.forEach(MailOptions::check);
    Objects.requireNonNull(rateLimit, "rateLimit");
    if (rateLimit.isNegative()) {
      throw new IllegalArgumentException("mail: rate limit is negative: " + rateLimit);
    }
    Objects.requireNonNull(statusUrl, "statusUrl");
    Objects.requireNonNull(retryMin, "retryMin");
    Objects.requireNonNull(retryMax, "retryMax");
    if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException(
          "mail: retry delays must be positive and min <= max: " + retryMin + ".." + retryMax);
    }
    Objects.requireNonNull(timeout, "timeout");
  }

  /** Options from the {@code mail:} section; the password comes from the config's secret. */
  public static MailOptions from(MailConfig c, String statusUrl) {
    return new MailOptions(
        c.host(),
        c.port(),
        c.security(),
        c.username(),
        c.password() == null ? null : c.password().reveal(),
        c.from(),
        c.to(),
        c.rateLimit(),
        statusUrl,
        Duration.ofSeconds(10),
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        null);
  }

  /** A copy with other retry delays (tests use milliseconds). */
  public MailOptions withRetry(Duration min, Duration max) {
    return new MailOptions(
        host,
        port,
        security,
        username,
        password,
        from,
        to,
        rateLimit,
        statusUrl,
        min,
        max,
        timeout,
        socketFactory);
  }

  /** A copy that makes TLS connections with this factory (a private CA). */
  public MailOptions withSocketFactory(SSLSocketFactory f) {
    return new MailOptions(
        host, port, security, username, password, from, to, rateLimit, statusUrl, retryMin,
        retryMax, timeout, f);
  }

  /** A copy with other recipients. */
  public MailOptions withTo(List<String> recipients) {
    return new MailOptions(
        host,
        port,
        security,
        username,
        password,
        from,
        recipients,
        rateLimit,
        statusUrl,
        retryMin,
        retryMax,
        timeout,
        socketFactory);
  }

  private static void check(String address) {
    try {
      new InternetAddress(address, true).validate();
    } catch (AddressException e) {
      throw new IllegalArgumentException("mail: not an e-mail address: " + address, e);
    }
  }

  @Override
  public String toString() {
    return "MailOptions[host="
        + host
        + ", port="
        + port
        + ", security="
        + security
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", from="
        + from
        + ", to="
        + to
        + ", rateLimit="
        + rateLimit
        + "]";
  }
}
