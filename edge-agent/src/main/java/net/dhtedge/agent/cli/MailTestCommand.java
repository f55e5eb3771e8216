package net.dhtedge.agent.cli;

import jakarta.mail.MessagingException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.LoadedConfig;
import net.dhtedge.agent.core.Records;
import net.dhtedge.agent.mail.MailComposer;
import net.dhtedge.agent.mail.MailOptions;
import net.dhtedge.agent.mail.MailTransport;
import net.dhtedge.agent.mail.SmtpTransport;
import net.dhtedge.agent.store.MailJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edge-agent mail-test}: one test mail through the configured SMTP server. */
@Command(
    name = "mail-test",
    mixinStandardHelpOptions = true,
    description =
        "Send a test mail with the mail: settings and print how the SMTP conversation went"
            + " (connected, TLS, login, accepted). Exit 0 when the server accepted it.")
final class MailTestCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(
      names = "--to",
      paramLabel = "ADDR",
      description = "Send to this address instead of mail.to.")
  String to;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<LoadedConfig> loaded = config.load(err);
    if (loaded.isEmpty()) {
      return ConfigOptions.EXIT_CONFIG;
    }
    AgentConfig c = loaded.get().config();
    MailOptions m = c.mail();
    for (String[] required : new String[][] {{"host", m.host()}, {"from", m.from()}}) {
      if (required[1] == null) {
        err.println("mail." + required[0] + " is not set: nothing to test");
        err.flush();
        return ConfigOptions.EXIT_CONFIG;
      }
    }
    MailOptions options;
    try {
      // A test mail goes out whether mail.enabled is set or not.
      options = Records.with(m, "enabled", true, "statusUrl", AgentMail.statusUrl(c));
      if (to != null) {
        options = Records.with(options, "to", List.of(to));
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return ConfigOptions.EXIT_CONFIG;
    }
    out.printf(
        "SMTP %s:%d (%s)%s -> %s%n",
        options.host(),
        options.port(),
        options.security().name().toLowerCase(java.util.Locale.ROOT),
        options.username() == null ? "" : " as " + options.username(),
        options.to());
    SmtpTransport transport = new SmtpTransport(options);
    MailTransport.Outcome outcome;
    try {
      Instant now = Instant.now();
      MailJob job =
          new MailJob(
              0,
              "created",
              c.agent().name(),
              "mail_test",
              "mail",
              null,
              null,
              "test mail from edge-agent mail-test: if you read this, alerts reach you",
              now,
              now);
      outcome =
          transport.send(
              new MailComposer(options, c.agent().name()).testMail(transport.session(), job));
    } catch (MailTransport.SendException e) {
      outcome = e.outcome();
    } catch (MessagingException e) {
      err.println("cannot build the test mail: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.println("connected: " + yesNo(outcome.connected()));
    out.println(
        "tls:       "
            + (outcome.tlsRefused() != null
                ? "refused: " + outcome.tlsRefused()
                : yesNo(outcome.tls())));
    out.println(
        "auth:      "
            + (options.username() == null ? "not configured" : yesNo(outcome.authenticated())));
    out.println(
        (outcome.accepted() ? "accepted:  " : "refused:   ")
            + (outcome.reply() == null ? "" : outcome.reply()));
    out.flush();
    return outcome.accepted() ? 0 : 1;
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }
}
