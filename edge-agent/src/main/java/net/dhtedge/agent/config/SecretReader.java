package net.dhtedge.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * Resolves one secret. Precedence: the environment variable, then {@code <key>_file}, then the
 * inline value. A secret file must be a regular file owned by the user running the agent and
 * readable by nobody else (mode 0600 or stricter); an inline secret in a file that group or others
 * can read is a warning.
 */
final class SecretReader {

  private static final Set<PosixFilePermission> SHARED =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final BindContext ctx;

  SecretReader(BindContext ctx) {
    this.ctx = ctx;
  }

  /**
   * @param s the section holding the keys
   * @param key the inline key ({@code password}, {@code token})
   * @param fileKey the key naming a secret file ({@code password_file})
   * @param envVar the overriding environment variable
   * @return the secret, or null when none is set anywhere
   */
  Secret read(Section s, String key, String fileKey, String envVar) {
    String inline = s.text(key, null);
    String fileText = s.text(fileKey, null);
    if (inline != null && fileText != null) {
      s.error(fileKey, "set either " + key + " or " + fileKey + ", not both");
      return null;
    }
    String fromEnv = ctx.env().apply(envVar);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return new Secret(fromEnv, Secret.Origin.ENVIRONMENT);
    }
    if (fileText != null) {
      return fromFile(s, fileKey, Values.path(s, fileKey, fileText));
    }
    if (inline == null || inline.isEmpty()) {
      return null;
    }
    if (ctx.sourceShared()) {
      s.warn(
          key,
          "secret written inline in a file that group or others can read; chmod 600 the file,"
              + " or use "
              + fileKey
              + " or "
              + envVar);
    }
    return new Secret(inline, Secret.Origin.INLINE);
  }

  private Secret fromFile(Section s, String fileKey, Path p) {
    if (p == null) {
      return null;
    }
    if (!Files.isRegularFile(p)) {
      s.error(fileKey, p + ": " + (Files.exists(p) ? "not a regular file" : "no such file"));
      return null;
    }
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (perms.stream().anyMatch(SHARED::contains)) {
          s.error(
              fileKey,
              p
                  + " is accessible by group or others (mode "
                  + PosixFilePermissions.toString(perms)
                  + "); run: chmod 600 "
                  + p);
          return null;
        }
        UserPrincipal owner = Files.getOwner(p);
        String me = System.getProperty("user.name");
        if (!owner.getName().equals(me)) {
          s.error(
              fileKey,
              p + " is owned by " + owner.getName() + ", not by " + me + " (who runs edge-agent)");
          return null;
        }
      }
      String value = readBounded(s, fileKey, p);
      if (value == null) {
        return null;
      }
      value = value.replaceFirst("[\r\n]+\\z", "");
      if (value.isEmpty()) {
        s.error(fileKey, p + " is empty");
        return null;
      }
      return new Secret(value, Secret.Origin.FILE);
    } catch (IOException e) {
      s.error(fileKey, p + ": cannot read (" + e.getMessage() + ")");
      return null;
    }
  }

  /**
   * The file's text, or null (with the problem recorded) when it is larger than {@link
   * ConfigLimits#MAX_SECRET_FILE_BYTES}: a password is a line, not a disk image. At most one byte
   * more than the limit is read, whatever the file's size says.
   */
  private static String readBounded(Section s, String fileKey, Path p) throws IOException {
    String limit =
        " the limit of "
            + ConfigLimits.bytes(ConfigLimits.MAX_SECRET_FILE_BYTES)
            + " for a secret file; it should hold only the secret";
    long size = Files.size(p);
    if (size > ConfigLimits.MAX_SECRET_FILE_BYTES) {
      s.error(fileKey, p + " is " + ConfigLimits.bytes(size) + ", more than" + limit);
      return null;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(p)) {
      bytes = in.readNBytes(ConfigLimits.MAX_SECRET_FILE_BYTES + 1);
    }
    if (bytes.length > ConfigLimits.MAX_SECRET_FILE_BYTES) {
      s.error(fileKey, p + " holds more than" + limit);
      return null;
    }
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
  }
}
