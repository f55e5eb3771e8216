package net.dhtedge.agent.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The agent's MQTT client id when {@code mqtt.client_id} is not set: one per data dir, made once
 * and kept in {@code <data_dir>/mqtt-client-id}, so two agents on one host (two data dirs) never
 * knock each other off the broker, and one agent keeps its persistent session across restarts.
 *
 * <p>A data dir that already holds a store but no id file is an installation from before this file
 * existed: it keeps the id it used then ({@code edge-agent-<agent.name>}), so the broker's session
 * (and the messages queued in it) carries over. A new data dir gets {@code
 * edge-agent-<agent.name>-<8 hex digits>}.
 */
public final class ClientIdFile {
  public static final String NAME = "mqtt-client-id";

  private ClientIdFile() {}

  /**
   * The id to use.
   *
   * @param configured {@code mqtt.client_id}, or null
   * @param create write the file when it is missing (the agent); false only looks (doctor)
   */
  public static String resolve(String configured, String agentName, Path dataDir, boolean create) {
    if (configured != null) {
      return configured;
    }
    Path file = dataDir.resolve(NAME);
    try {
      if (Files.isRegularFile(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (id.matches("[\\x21-\\x7e]{1,128}")) {
          return id;
        }
        throw new IllegalStateException(
            file
                + " does not hold a client id (1 to 128 printable ASCII characters); delete it"
                + " to make a new one, or set mqtt.client_id");
      }
      String legacy = trim("edge-agent-" + agentName);
      boolean existingInstall = Files.isDirectory(dataDir.resolve("db"));
      String id =
          existingInstall
              ? legacy
              : trim("edge-agent-" + agentName) + "-" + HexFormat.of().formatHex(random4());
      if (create) {
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the MQTT client id in " + file, e);
    }
  }

  private static String trim(String id) {
    return id.length() > 119 ? id.substring(0, 119) : id;
  }

  private static byte[] random4() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
