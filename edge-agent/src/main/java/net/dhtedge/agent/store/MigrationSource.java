package net.dhtedge.agent.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where the migration files come from: the jar's {@code db/migration/} in production; tests hand in
 * their own (an edited copy, say) without touching the jar.
 */
@FunctionalInterface
public interface MigrationSource {

  /** The text of {@code name} (e.g. {@code V3.sql} or {@code hsqldb/V4.sql}), if there is one. */
  Optional<String> read(String name);

  /** The migrations shipped in the jar. */
  static MigrationSource classpath() {
    return name -> {
      String path = "db/migration/" + name;
      try (InputStream in = MigrationSource.class.getClassLoader().getResourceAsStream(path)) {
        return in == null
            ? Optional.empty()
            : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the migration " + path + " from the jar", e);
      }
    };
  }
}
