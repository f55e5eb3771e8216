package net.dhtedge.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiServerTest {
  private ApiServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    server =
        new ApiServer(
            new HttpOptions("127.0.0.1", HttpOptions.EPHEMERAL, 0),
            () -> Map.of("mqtt", Map.of("connected", true, "outbox", 3)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statusIsServedAsJsonFromTheStatusSource() throws Exception {
    HttpResponse<String> response = send("GET", "/api/status");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(response.body())
        .contains("\"mqtt\":{")
        .contains("\"connected\":true")
        .contains("\"outbox\":3");
  }

  @Test
  void anUnknownPathIsA404InJson() throws Exception {
    HttpResponse<String> response = send("GET", "/nope");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"error\":\"not found\"");
  }

  @Test
  void aWrongMethodOnStatusIs405() throws Exception {
    assertThat(send("POST", "/api/status").statusCode()).isEqualTo(405);
  }

  @Test
  void closingTwiceIsHarmless() {
    server.close();
    server.close();
  }
}
