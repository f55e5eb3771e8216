package net.dhtedge.agent.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The generated API token: when no token is configured, the first start writes 32 random bytes
 * (base64url, no padding) to {@code <data_dir>/http-token} with mode 0600; later starts read it.
 */
public final class TokenFile {

  /** File name under the data directory. */
  public static final String NAME = "http-token";

  /**
   * The token and whether this call created it (then, and only then, it is printed).
   *
   * @param token the token
   * @param created true when the file did not exist before
   * @param file where it lives
   */
  public record Loaded(String token, boolean created, Path file) {
    @Override
    public String toString() {
      return "Loaded[token=***, created=" + created + ", file=" + file + "]";
    }
  }

  private TokenFile() {}

  /** Reads {@code <dataDir>/http-token}, creating it (0600) with a fresh token when missing. */
  public static Loaded loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(NAME);
    try {
      if (Files.exists(file)) {
        return new Loaded(read(file), false, file);
      }
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      Files.createDirectories(dataDir);
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        return new Loaded(read(file), false, file); // another start won the race
      } catch (UnsupportedOperationException e) {
        Files.createFile(file); // not a POSIX file system
      }
      Files.writeString(
          file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      return new Loaded(token, true, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the HTTP token file " + file, e);
    }
  }

  private static String read(Path file) throws IOException {
    String t = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (t.isEmpty()) {
      throw new IOException("the token file is empty; delete it to generate a new token");
    }
    return t;
  }
}
