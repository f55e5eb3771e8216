package net.dhtedge.agent.mail;

import static java.time.Duration.ZERO;
import static java.time.Duration.ofDays;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;
import net.dhtedge.agent.config.Secret;
import net.dhtedge.agent.config.Section;

/**
 * The {@code mail:} section: everything the mail side is configured with, validated once. {@link
 * #bind} reads it from the config file, each key's default, unit and range written there once;
 * {@link #defaults()} is that bind of an empty section. When {@code enabled}, {@code host}, {@code
 * from} and {@code to} are set and valid. A variation (a test, {@code mail-test --to}): {@code
 * Records.with(options, "to", List.of(...))}.
 *
 * @param enabled send e-mail for incidents
 * @param host SMTP server, or null when mail is off
 * @param port SMTP port (587 submission, 465 smtps, 25 relay)
 * @param security STARTTLS (required, never opportunistic), SMTPS or NONE
 * @param username login, or null for none
 * @param password password, or null; not in {@link #toString()}
 * @param from sender address, or null when mail is off
 * @param to recipients (at least one when mail is on)
 * @param rateLimit at most one mail per (device, rule) within this time; later ones wait and go out
 *     together as one digest; zero: no limit
 * @param statusUrl the status page linked from every mail; null in the file means {@code
 *     http://<agent.name>:<http.port>/}, which the agent fills in before it starts the sender
 * @param retryMin first delay after a failed send (then doubled)
 * @param retryMax longest delay between attempts
 * @param timeout connect/read timeout of one SMTP conversation
 * @param socketFactory TLS sockets to use (a private CA); null: the JVM's trust store
 */
public record MailOptions(
    boolean enabled,
    String host,
    int port,
    Security security,
    String username,
    Secret password,
    String from,
    List<String> to,
    Duration rateLimit,
    String statusUrl,
    Duration retryMin,
    Duration retryMax,
    Duration timeout,
    SSLSocketFactory socketFactory) {

  /** SMTP transport security. */
  public enum Security {
    /** Plain connection upgraded with STARTTLS (required, not opportunistic). */
    STARTTLS,
    /** TLS from the first byte (usually port 465). */
    SMTPS,
    /** No encryption (only for a relay on localhost or a trusted network). */
    NONE
  }

  /** Overrides {@code mail.password} and {@code mail.password_file}. */
  public static final String PASSWORD_ENV = "EDGE_AGENT_SMTP_PASSWORD";

  public MailOptions {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("mail: port must be 1..65535: " + port);
    }
    Objects.requireNonNull(security, "security");
    to = List.copyOf(to);
    Objects.requireNonNull(rateLimit, "rateLimit");
    if (rateLimit.isNegative()) {
      throw new IllegalArgumentException("mail: rate limit is negative: " + rateLimit);
    }
    Objects.requireNonNull(retryMin, "retryMin");
    Objects.requireNonNull(retryMax, "retryMax");
    if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException(
          "mail: retry delays must be positive and min <= max: " + retryMin + ".." + retryMax);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (enabled) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("mail: host is empty");
      }
      if (password != null && username == null) {
        throw new IllegalArgumentException("mail: a password needs a username");
      }
      check(Objects.requireNonNull(from, "from"));
      if (to.isEmpty()) {
        throw new IllegalArgumentException("mail: at least one recipient is required");
      }
      to.forEach(MailOptions::check);
    }
  }

  /**
   * The {@code mail:} section. Every problem is reported to {@code s}; the options returned then
   * are not used (the config is refused), and they are off, so they need not hold together.
   */
  public static MailOptions bind(Section s) {
    boolean enabled = s.bool("enabled", false);
    String host = s.text("host", null);
    int port = s.integer("port", 587, 1, 65535, "");
    Security security = s.choice("security", Security.STARTTLS, Security.class);
    String username = s.text("username", null);
    Secret password = s.secret("password", "password_file", PASSWORD_ENV);
    String from = s.text("from", null);
    boolean fromValid = from == null || address(s, from, m -> s.error("from", m));
    List<String> to = new ArrayList<>();
    List<Section.Item> items = s.texts("to");
    if (items != null) {
      for (Section.Item item : items) {
        if (address(s, item.text(), m -> s.error(item, m))) {
          to.add(item.text().trim());
        }
      }
    }
    Duration rateLimit = s.duration("rate_limit", Duration.ofMinutes(15), ZERO, ofDays(7));
    String statusUrl = s.text("status_url", null);
    if (statusUrl != null && !statusUrl.matches("https?://[^\\s\"<>]+")) {
      s.error("status_url", "\"" + statusUrl + "\" is not an http:// or https:// URL");
    }
    boolean complete = fromValid;
    if (enabled) {
      for (String key : new String[] {"host", "from"}) {
        if (!s.has(key)) {
          s.missing(key, "required when mail is enabled");
          complete = false;
        }
      }
      if (items == null) {
        s.missing("to", "required when mail is enabled: a list of recipients");
      }
      complete &= !to.isEmpty();
      if (password != null && username == null) {
        s.error("password", "needs mail.username: SMTP logs in with both");
        complete = false;
      }
    }
    if (security == Security.NONE && password != null && host != null && !isLocal(host)) {
      s.warn("security", "none sends the SMTP password unencrypted to " + host);
    }
    if (security == Security.SMTPS && port == 587 || security == Security.STARTTLS && port == 465) {
      s.warn(
          "port",
          port
              + " usually goes with "
              + (port == 465 ? "smtps" : "starttls")
              + ", not "
              + security.name().toLowerCase(Locale.ROOT));
    }
    return new MailOptions(
        enabled && complete,
        host,
        port,
        security,
        username,
        password,
        from,
        to,
        rateLimit,
        statusUrl,
        Duration.ofSeconds(10), // retryMin
        Duration.ofMinutes(10), // retryMax
        Duration.ofSeconds(30), // timeout
        null); // socketFactory: the JVM's trust store
  }

  /** {@link #bind} of an empty section: mail off. */
  public static MailOptions defaults() {
    return Section.defaults(MailOptions::bind);
  }

  private static boolean address(Section s, String address, Consumer<String> problem) {
    try {
      new InternetAddress(address.trim(), true).validate();
      return true;
    } catch (AddressException e) {
      problem.accept("\"" + address + "\" is not an e-mail address (" + e.getMessage() + ")");
      return false;
    }
  }

  private static boolean isLocal(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
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
    return "MailOptions[enabled="
        + enabled
        + ", host="
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
