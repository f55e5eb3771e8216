package net.dhtedge.agent.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import net.dhtedge.agent.store.MailJob;

/**
 * Builds the mails: one incident step, or a digest of several. Plain text plus a small HTML part in
 * which every piece of device data is escaped. Device data never goes into a header except a
 * sanitised subject (control characters, CR and LF removed), so a device name cannot add headers or
 * recipients.
 *
 * <p>Every mail has a stable {@code Message-ID} made of the incident id, change and opening time (a
 * digest: a hash of those of its steps, sorted) and the agent name, e.g. {@code
 * <incident-42-created.1795773600000.edge-agent@gw1>}: a mail sent again after a crash (between the
 * server's 250 and the sent mark) carries the same id, so mail systems that drop duplicate
 * Message-IDs show it once. The opening time keeps the id unique when incident ids start again at 1
 * (a new database, a second gateway with the same name): a new incident must never look like a
 * duplicate. No device data goes into it.
 */
public final class MailComposer {

  private final MailOptions options;
  private final String agentName;
  private final String idDomain;

  public MailComposer(MailOptions options, String agentName) {
    this.options = options;
    this.agentName = sanitise(agentName, 40);
    this.idDomain = idPart(agentName);
  }

  /** The mail for one step, with its stable Message-ID. */
  public MimeMessage single(Session session, MailJob job) throws MessagingException {
    return single(session, job, messageId(job));
  }

  /** A one-off mail (mail-test): like {@link #single} but with a fresh Message-ID. */
  public MimeMessage testMail(Session session, MailJob job) throws MessagingException {
    return single(session, job, null);
  }

  /** {@code <incident-<id>-<change>.<opened at, epoch ms>.edge-agent@<agent>>}. */
  String messageId(MailJob job) {
    return "<incident-" + idKey(job) + ".edge-agent@" + idDomain + ">";
  }

  private static String idKey(MailJob job) {
    return job.incidentId() + "-" + idPart(job.change()) + "." + job.openedAt().toEpochMilli();
  }

  /** {@code <digest-<hash of the steps' sorted keys>.edge-agent@<agent>>}: same steps, same id. */
  String digestMessageId(List<MailJob> jobs) {
    String keys = String.join(",", jobs.stream().map(MailComposer::idKey).sorted().toList());
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(keys.getBytes(StandardCharsets.UTF_8));
      return "<digest-" + HexFormat.of().formatHex(h, 0, 16) + ".edge-agent@" + idDomain + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private MimeMessage single(Session session, MailJob job, String messageId)
      throws MessagingException {
    String subject =
        "["
            + agentName
            + "] "
            + job.deviceId()
            + ": "
            + job.rule()
            + " "
            + verb(job)
            + (job.value() == null ? "" : " (" + number(job.value()) + ")");
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder("<html><body>");
    describe(job, text, html);
    return message(session, subject, text, html, messageId);
  }

  /** One mail for several steps. */
  public MimeMessage digest(Session session, List<MailJob> jobs) throws MessagingException {
    String subject = "[" + agentName + "] " + jobs.size() + " incident updates (digest)";
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder("<html><body>");
    text.append(jobs.size()).append(" incident updates:\n\n");
    html.append("<p>").append(jobs.size()).append(" incident updates:</p>");
    for (MailJob j : jobs) {
      describe(j, text, html);
      text.append('\n');
    }
    return message(session, subject, text, html, digestMessageId(jobs));
  }

  private MimeMessage message(
      Session session, String subject, StringBuilder text, StringBuilder html, String messageId)
      throws MessagingException {
    text.append("Status page: ").append(options.statusUrl()).append('\n');
    html.append("<p><a href=\"")
        .append(escape(options.statusUrl()))
        .append("\">Status page</a></p></body></html>");
    MimeMessage m =
        messageId == null
            ? new MimeMessage(session)
            : new MimeMessage(session) {
              @Override
              protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId); // stable: saveChanges() must not replace it
              }
            };
    m.setFrom(new InternetAddress(options.from(), true));
    for (String to : options.to()) {
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
    }
    m.setSubject(sanitise(subject, 200), "UTF-8");
    m.setSentDate(new Date());
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText(text.toString(), "UTF-8");
    MimeBodyPart rich = new MimeBodyPart();
    rich.setText(html.toString(), "UTF-8", "html");
    MimeMultipart alt = new MimeMultipart("alternative");
    alt.addBodyPart(plain);
    alt.addBodyPart(rich);
    m.setContent(alt);
    m.saveChanges();
    return m;
  }

  private void describe(MailJob j, StringBuilder text, StringBuilder html) {
    String head = "Incident " + j.incidentId() + " " + verb(j) + ": " + j.message();
    text.append(head).append('\n');
    html.append("<h3>").append(escape(head)).append("</h3><table>");
    row(text, html, "Device", j.deviceId());
    row(text, html, "Rule", j.rule());
    row(text, html, "Metric", j.metric());
    row(text, html, "Value", j.value() == null ? "-" : number(j.value()));
    row(text, html, "Threshold", j.threshold() == null ? "-" : number(j.threshold()));
    row(text, html, "Opened", time(j.openedAt()));
    if (j.change().equals("resolved")) {
      row(text, html, "Resolved", time(j.ts()));
    }
    html.append("</table>");
  }

  private static void row(StringBuilder text, StringBuilder html, String name, String value) {
    String v = sanitise(value, 500);
    text.append(String.format(Locale.ROOT, "  %-10s %s%n", name + ":", v));
    html.append("<tr><th align=\"left\">")
        .append(name)
        .append("</th><td>")
        .append(escape(v))
        .append("</td></tr>");
  }

  private static String verb(MailJob j) {
    return j.change().equals("created") ? "opened" : j.change();
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String time(Instant t) {
    return t.toString();
  }

  /** No control characters (CR, LF, tab, NUL ...), collapsed spaces, at most {@code max} chars. */
  static String sanitise(String s, int max) {
    String clean = s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").strip();
    return clean.length() > max ? clean.substring(0, max) : clean;
  }

  /**
   * A safe piece of a Message-ID (RFC 5322 dot-atom text): letters, digits, dot, dash and
   * underscore; anything else becomes a dash.
   */
  static String idPart(String s) {
    String p = s.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("\\.{2,}", ".");
    if (p.length() > 64) {
      p = p.substring(0, 64);
    }
    p = p.replaceAll("^[.]+|[.]+$", "");
    return p.isEmpty() ? "agent" : p;
  }

  /** HTML text escaping. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
