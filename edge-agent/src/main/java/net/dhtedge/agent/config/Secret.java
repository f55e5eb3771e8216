package net.dhtedge.agent.config;

import java.util.Objects;

/**
 * A password or token. It never shows itself: {@link #toString()} is {@code ***}, so a config
 * record can be logged whole. Call {@link #reveal()} only where the value is handed to the library
 * that needs it.
 */
public final class Secret {

  /** Where the value came from, for the status page and for warnings. */
  public enum Origin {
    INLINE,
    FILE,
    ENVIRONMENT
  }

  private final String value;
  private final Origin origin;

  public Secret(String value, Origin origin) {
    this.value = Objects.requireNonNull(value, "value");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  /** The plain value; pass it straight to the client library, never to a log. */
  public String reveal() {
    return value;
  }

  public Origin origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "***";
  }

  /** Two secrets are equal when their values are; the origin is not part of the value. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
