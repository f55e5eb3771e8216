package net.dhtedge.agent.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readings are nobody else's business: the data directory and the database directory are at most
 * 0750, the database files at most 0640 (owner writes, the package's group reads, others nothing).
 * The JVM cannot set its umask, so HSQLDB creates files with the process's (0644 under a umask of
 * 022; the systemd unit and the launchers set 0027); the store takes away what is too wide when it
 * opens and after each checkpoint (which writes new files). It only ever removes bits, so a
 * stricter choice of the admin stays.
 */
final class FileModes {

  private static final Logger LOG = LoggerFactory.getLogger(FileModes.class);

  /** Bits a directory must not have: group write, anything for others. */
  static final Set<PosixFilePermission> DIR_DENIED =
      EnumSet.of(
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  /** Bits a database file must not have: group write, any execute, anything for others. */
  static final Set<PosixFilePermission> FILE_DENIED =
      EnumSet.of(
          PosixFilePermission.OWNER_EXECUTE,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private FileModes() {}

  /** Creates {@code dir} (and missing parents) as 0750. */
  static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (dir.getParent() != null) {
      createDirectories(dir.getParent());
    }
    try {
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir); // not a POSIX file system
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // created meanwhile
    }
  }

  /** Takes the too-wide bits off the data directory, the database directory and its files. */
  static void tighten(Path dataDir, Path dbDir) {
    remove(dataDir, DIR_DENIED);
    remove(dbDir, DIR_DENIED);
    try (Stream<Path> files = Files.list(dbDir)) {
      files.filter(Files::isRegularFile).forEach(f -> remove(f, FILE_DENIED));
    } catch (IOException e) {
      LOG.warn("cannot list {} to check its files' permissions: {}", dbDir, e.toString());
    }
  }

  private static void remove(Path p, Set<PosixFilePermission> denied) {
    try {
      Set<PosixFilePermission> now = Files.getPosixFilePermissions(p);
      Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
      kept.addAll(now);
      if (kept.removeAll(denied)) {
        Files.setPosixFilePermissions(p, kept);
      }
    } catch (UnsupportedOperationException | java.nio.file.NoSuchFileException e) {
      // not POSIX, or a file that went away meanwhile (a checkpoint renames files)
    } catch (IOException e) {
      LOG.warn("cannot restrict the permissions of {}: {}", p, e.toString());
    }
  }
}
