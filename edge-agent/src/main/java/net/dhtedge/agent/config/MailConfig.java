package net.dhtedge.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code mail:} section. When {@code enabled}, {@code host}, {@code from} and {@code to} are
 * guaranteed set and valid.
 *
 * @param enabled send e-mail for incidents
 * @param host SMTP server
 * @param port SMTP port (587 submission, 465 smtps, 25 relay)
 * @param security how the connection is protected
 * @param username SMTP login, or null for none
 * @param password SMTP password, or null
 * @param from the sender address
 * @param to recipients
 * @param rateLimit at most one mail per device and rule within this time
 * @param statusUrl the status page linked from every mail, or null for {@code
 *     http://<agent.name>:<http.port>/}
 */
public record MailConfig(
    boolean enabled,
    String host,
    int port,
    Security security,
    String username,
    Secret password,
    String from,
    List<String> to,
    Duration rateLimit,
    String statusUrl) {

  /** SMTP transport security. */
  public enum Security {
    /** Plain connection upgraded with STARTTLS (required, not opportunistic). */
    STARTTLS,
    /** TLS from the first byte (usually port 465). */
    SMTPS,
    /** No encryption (only for a relay on localhost or a trusted network). */
    NONE
  }

  public static final MailConfig DEFAULTS =
      new MailConfig(
          false,
          null,
          587,
          Security.STARTTLS,
          null,
          null,
          null,
          List.of(),
          Duration.ofMinutes(15),
          null);

  public MailConfig {
    Objects.requireNonNull(security, "security");
    to = List.copyOf(to);
    Objects.requireNonNull(rateLimit, "rateLimit");
  }
}
