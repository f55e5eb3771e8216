package net.dhtedge.agent.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every route of the HTTP server in one table: (methods, path pattern, access, handler). A pattern
 * is literal segments, {@code {name}} for one non-empty segment, or a last {@code {name...}} for
 * the rest of the path (empty allowed). {@link #find} decides 404 (no pattern matches) and 405 (a
 * pattern matches, not with this method; {@code Allow} lists what would); the server checks the
 * route's access (401) before its handler runs.
 */
final class RouteTable {

  /** Who may call a route. */
  enum Access {
    /** Anyone: the dashboard's files, as on any static server. */
    PUBLIC,
    /** The read token when {@code http.read_requires_token}. */
    READ,
    /**
     * As {@link #READ}, and the token may come as {@code ?token=}: a browser's EventSource and a
     * bookmarked page cannot send a header.
     */
    READ_OR_QUERY_TOKEN,
    /** Always the token: everything that changes something. */
    WRITE
  }

  @FunctionalInterface
  interface Handler {
    void handle(Call c, Map<String, String> params) throws IOException;
  }

  record Route(Set<String> methods, String pattern, Access access, Handler handler) {}

  /** A route that matched, with the values of its {@code {name}} segments. */
  record Match(Route route, Map<String, String> params) {}

  static final Set<String> GET = Set.of("GET", "HEAD");
  static final Set<String> POST = Set.of("POST");

  private final List<Route> routes;

  RouteTable(List<Route> routes) {
    for (Route r : routes) {
      if (!r.pattern().startsWith("/")) {
        throw new IllegalArgumentException("a route's pattern starts with /: " + r.pattern());
      }
    }
    this.routes = List.copyOf(routes);
  }

  static Route get(String pattern, Access access, Handler h) {
    return new Route(GET, pattern, access, h);
  }

  static Route post(String pattern, Access access, Handler h) {
    return new Route(POST, pattern, access, h);
  }

  List<Route> routes() {
    return routes;
  }

  /**
   * The route for {@code method} and {@code path}. {@code OPTIONS} (a CORS preflight) matches any
   * route of the path.
   *
   * @throws HttpError 404 when no route has the path, 405 with {@code Allow} when none takes the
   *     method
   */
  Match find(String method, String path) {
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      Map<String, String> params = match(r.pattern(), path);
      if (params == null) {
        continue;
      }
      if (method.equals("OPTIONS") || r.methods().contains(method)) {
        return new Match(r, params);
      }
      allowed.addAll(r.methods());
    }
    if (allowed.isEmpty()) {
      throw HttpError.notFound(path);
    }
    throw new HttpError(405, "method not allowed").header("Allow", allow(allowed));
  }

  /** The methods any route of {@code path} takes, for {@code Allow} and a preflight's answer. */
  String allowedMethods(String path) {
    Set<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      if (match(r.pattern(), path) != null) {
        allowed.addAll(r.methods());
      }
    }
    return allow(allowed);
  }

  private static String allow(Set<String> methods) {
    List<String> out = new ArrayList<>(new TreeSet<>(methods));
    out.add("OPTIONS");
    return String.join(", ", out);
  }

  /** The parameters when {@code path} fits {@code pattern}, else null. */
  static Map<String, String> match(String pattern, String path) {
    String[] want = pattern.substring(1).split("/", -1);
    String[] got = path.startsWith("/") ? path.substring(1).split("/", -1) : null;
    if (got == null) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < want.length; i++) {
      String w = want[i];
      if (w.startsWith("{") && w.endsWith("...}")) {
        if (i != want.length - 1) {
          throw new IllegalArgumentException("{name...} comes last: " + pattern);
        }
        if (got.length <= i) {
          return null; // "/dashboard" is not "/dashboard/{file...}": the slash must be there
        }
        params.put(
            w.substring(1, w.length() - 4), String.join("/", List.of(got).subList(i, got.length)));
        return params;
      }
      if (i >= got.length) {
        return null;
      }
      if (w.startsWith("{") && w.endsWith("}")) {
        if (got[i].isEmpty()) {
          return null;
        }
        params.put(w.substring(1, w.length() - 1), got[i]);
      } else if (!w.equals(got[i])) {
        return null;
      }
    }
    return got.length == want.length ? params : null;
  }
}
