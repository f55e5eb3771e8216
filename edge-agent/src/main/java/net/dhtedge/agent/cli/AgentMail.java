package net.dhtedge.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.mail.FileQueueImport;
import net.dhtedge.agent.mail.MailComposer;
import net.dhtedge.agent.mail.MailOptions;
import net.dhtedge.agent.mail.MailSender;
import net.dhtedge.agent.mail.SmtpTransport;
import net.dhtedge.agent.store.Store;

/** Builds the mail sender from the configuration (kept out of {@link Agent} to keep it short). */
final class AgentMail {
  private AgentMail() {}

  /** The status page linked from mails. */
  static String statusUrl(AgentConfig c) {
    if (c.mail().statusUrl() != null) {
      return c.mail().statusUrl();
    }
    int port = c.http().port() == 0 ? 8080 : c.http().port();
    return "http://" + c.agent().name() + ":" + port + "/";
  }

  /**
   * A started sender on the store's mail queue. A file queue left in {@code <data_dir>/mail} by an
   * earlier version is imported into the store first (once; the directory becomes {@code
   * mail.imported}).
   */
  static MailSender start(AgentConfig c, Path dataDir, Store store, AgentClock clock) {
    MailOptions o = Records.with(c.mail(), "statusUrl", statusUrl(c));
    FileQueueImport.run(dataDir.resolve("mail"), store.mailQueue());
    MailSender s =
        new MailSender(
            o,
            store.mailQueue(),
            new SmtpTransport(o),
            new MailComposer(o, c.agent().name()),
            clock,
            Duration.ofSeconds(5));
    s.start();
    return s;
  }
}
