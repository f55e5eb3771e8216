package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MailTestCommandTest {

  @TempDir Path dir;
  private GreenMail smtp;

  @AfterEach
  void down() {
    if (smtp != null) {
      smtp.stop();
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path config(int port) throws Exception {
    return Files.writeString(
        dir.resolve("edge-agent.yml"),
        "agent:\n  name: gw1\n  data_dir: "
            + dir.resolve("data")
            + "\nmail:\n  enabled: true\n  host: 127.0.0.1\n  port: "
            + port
            + "\n  security: none\n  from: agent@example.org\n  to: [ops@example.org]\n");
  }

  @Test
  void aTestMailThatTheServerAcceptsExitsZeroAndSaysSo() throws Exception {
    int port = MosquittoBroker.freePort();
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    Run r = run("mail-test", "--config", config(port).toString(), "--to", "me@example.org");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("connected: yes")
        .contains("tls:       no")
        .contains("auth:      not configured")
        .contains("accepted:  250");
    assertThat(smtp.getReceivedMessages()).hasSize(1);
    assertThat(smtp.getReceivedMessages()[0].getAllRecipients()[0].toString())
        .isEqualTo("me@example.org");
  }

  @Test
  void noServerListeningExitsOneWithTheReason() throws Exception {
    int port = MosquittoBroker.freePort();
    Run r = run("mail-test", "--config", config(port).toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("connected: no")
        .contains("refused:")
        .contains("Connection refused");
  }
}
