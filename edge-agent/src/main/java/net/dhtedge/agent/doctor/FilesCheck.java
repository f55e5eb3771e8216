package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.dhtedge.agent.config.AgentConfig;

/**
 * Who can read the stored readings: the data directory and its {@code db} directory should be 0750
 * and the database files 0640 (the agent's user writes, its group reads, others nothing). FAIL when
 * another local user can enter the data directory (then every reading is theirs to read); warn when
 * something inside is wider than that but closed off by the directory.
 */
public final class FilesCheck extends Check {

  private static final Set<PosixFilePermission> OTHERS =
      Set.of(
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  public FilesCheck(DoctorEnv env) {
    super("files", env);
  }

  @Override
  public List<Finding> run(AgentConfig config) {
    Path data = config.agent().dataDir();
    if (!Files.isDirectory(data)) {
      return List.of(
          Finding.ok(name(), data + " not created yet (the agent creates it 0750, files 0640)"));
    }
    Path db = data.resolve("db");
    String fix =
        "chmod 0750 "
            + data
            + (Files.isDirectory(db) ? " " + db + " && chmod 0640 " + db + "/*" : "")
            + " (the agent also narrows them at its next start; run it with umask 0027, as the"
            + " package's systemd unit does)";
    try {
      Set<PosixFilePermission> dataMode = Files.getPosixFilePermissions(data);
      if (dataMode.stream().anyMatch(OTHERS::contains)) {
        return List.of(
            Finding.fail(
                name(),
                data
                    + " is "
                    + mode(dataMode)
                    + ": every local user can read the stored readings (want 0750)",
                fix));
      }
      List<String> wide = new ArrayList<>();
      if (dataMode.contains(PosixFilePermission.GROUP_WRITE)) {
        wide.add(data + " " + mode(dataMode));
      }
      if (Files.isDirectory(db)) {
        Set<PosixFilePermission> dbMode = Files.getPosixFilePermissions(db);
        if (dbMode.contains(PosixFilePermission.GROUP_WRITE)
            || dbMode.stream().anyMatch(OTHERS::contains)) {
          wide.add(db + " " + mode(dbMode));
        }
        try (Stream<Path> files = Files.list(db)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            Set<PosixFilePermission> m = Files.getPosixFilePermissions(f);
            if (m.contains(PosixFilePermission.GROUP_WRITE)
                || m.stream().anyMatch(OTHERS::contains)) {
              wide.add(f.getFileName() + " " + mode(m));
            }
          }
        }
      }
      if (!wide.isEmpty()) {
        return List.of(
            Finding.warn(
                name(),
                "wider than 0750/0640 (closed off by "
                    + data
                    + " for now): "
                    + String.join(", ", wide),
                fix));
      }
      return List.of(Finding.ok(name(), data + " " + mode(dataMode) + ", database files 0640"));
    } catch (UnsupportedOperationException e) {
      return List.of(
          Finding.warn(
              name(),
              data + " is not on a POSIX file system: anyone who can mount it reads the readings",
              "keep agent.data_dir on an ext4 partition"));
    } catch (IOException e) {
      return List.of(
          Finding.warn(name(), "cannot read the permissions under " + data + ": " + e, fix));
    }
  }

  /** 0750-style octal. */
  static String mode(Set<PosixFilePermission> perms) {
    String rwx = PosixFilePermissions.toString(perms);
    int n = 0;
    for (int i = 0; i < 9; i++) {
      n = n * 2 + (rwx.charAt(i) == '-' ? 0 : 1);
    }
    return String.format("0%o", n);
  }
}
