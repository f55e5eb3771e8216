package net.dhtedge.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  static final RouteTable.Handler NONE = (c, p) -> {};

  final RouteTable table =
      new RouteTable(
          List.of(
              RouteTable.get("/api/incidents", RouteTable.Access.READ, NONE),
              RouteTable.post("/api/incidents/{id}/ack", RouteTable.Access.WRITE, NONE),
              RouteTable.get("/dashboard", RouteTable.Access.PUBLIC, NONE),
              RouteTable.get("/dashboard/{file...}", RouteTable.Access.PUBLIC, NONE)));

  @Test
  void aLiteralPathMatchesItselfOnlyAndGetAlsoTakesHead() {
    assertThat(table.find("GET", "/api/incidents").route().pattern()).isEqualTo("/api/incidents");
    assertThat(table.find("HEAD", "/api/incidents").params()).isEmpty();
    assertThatThrownBy(() -> table.find("GET", "/api/incidents/"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status).isEqualTo(404));
  }

  @Test
  void aNamedSegmentTakesOneNonEmptySegment() {
    assertThat(table.find("POST", "/api/incidents/42/ack").params()).isEqualTo(Map.of("id", "42"));
    assertThatThrownBy(() -> table.find("POST", "/api/incidents//ack"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status).isEqualTo(404));
    assertThatThrownBy(() -> table.find("POST", "/api/incidents/4/2/ack"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status).isEqualTo(404));
  }

  @Test
  void theRestOfAPathNeedsItsSlashAndMayBeEmpty() {
    assertThat(table.find("GET", "/dashboard/").params()).isEqualTo(Map.of("file", ""));
    assertThat(table.find("GET", "/dashboard/assets/app.js").params())
        .isEqualTo(Map.of("file", "assets/app.js"));
    assertThat(table.find("GET", "/dashboard").route().pattern()).isEqualTo("/dashboard");
  }

  @Test
  void aKnownPathWithAnotherMethodIs405ListingWhatItTakes() {
    assertThatThrownBy(() -> table.find("DELETE", "/api/incidents/1/ack"))
        .isInstanceOfSatisfying(
            HttpError.class,
            e -> {
              assertThat(e.status).isEqualTo(405);
              assertThat(e.headers).containsEntry("Allow", "POST, OPTIONS");
            });
    assertThat(table.allowedMethods("/api/incidents")).isEqualTo("GET, HEAD, OPTIONS");
  }

  @Test
  void aPreflightMatchesAnyRouteOfItsPath() {
    assertThat(table.find("OPTIONS", "/api/incidents/7/ack").route().access())
        .isEqualTo(RouteTable.Access.WRITE);
    assertThatThrownBy(() -> table.find("OPTIONS", "/nowhere"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status).isEqualTo(404));
  }
}
