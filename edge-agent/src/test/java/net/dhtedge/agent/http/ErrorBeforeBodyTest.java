package net.dhtedge.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.dhtedge.agent.cli.Agent;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigLoader;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Records;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An error answered before the request body was read (401 on a POST) ends the connection, so the
 * answer must say {@code Connection: close}: without it a client (the JDK's HttpClient in
 * HttpApiTest, once per few full runs) sent its next request on the dying connection and got
 * "header parser received no bytes". Raw sockets, so the test sees exactly what goes over the wire.
 */
class ErrorBeforeBodyTest {
  private static final String TOKEN = "a-long-enough-test-token";
  @TempDir static Path data;
  static Agent agent;

  @BeforeAll
  static void start() throws Exception {
    AgentConfig c =
        new ConfigLoader()
            .parse(
                "agent: {data_dir: %s}\nmqtt: {enabled: false}\nhttp: {bind: 127.0.0.1, token: %s}\n"
                    .formatted(data, TOKEN),
                "t.yml")
            .config();
    agent =
        Agent.start(
            Records.with(c, "http", Records.with(c.http(), "port", HttpOptions.EPHEMERAL)),
            Agent.Mode.LISTEN,
            AgentClock.system());
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  @Test
  void a401BeforeTheBodyWasReadSaysConnectionClose() throws Exception {
    try (Socket s = socket()) {
      send(s, "POST /api/incidents/1/ack", "Bearer wrong", "{\"by\":\"x\"}");
      String answer = readAnswer(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 401 ");
      assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
    }
  }

  @Test
  void anErrorAfterTheBodyWasReadKeepsTheConnectionForTheNextRequest() throws Exception {
    try (Socket s = socket()) {
      send(s, "POST /api/incidents/999999/ack", "Bearer " + TOKEN, "{}");
      String first = readAnswer(s.getInputStream());
      assertThat(first).startsWith("HTTP/1.1 404 ");
      assertThat(first.toLowerCase(java.util.Locale.ROOT)).doesNotContain("connection: close");
      s.getOutputStream()
          .write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readAnswer(s.getInputStream())).startsWith("HTTP/1.1 200 ");
    }
  }

  private static Socket socket() throws IOException {
    Socket s = new Socket("127.0.0.1", agent.httpPort());
    s.setSoTimeout(10_000);
    return s;
  }

  private static void send(Socket s, String requestLine, String auth, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        requestLine
            + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + auth
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + b.length
            + "\r\n\r\n";
    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().write(b);
    s.getOutputStream().flush();
  }

  /** One answer: the head, then as many body bytes as Content-Length says. */
  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      head.write(c);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    byte[] body = in.readNBytes(length);
    return text + new String(body, StandardCharsets.UTF_8);
  }
}
