package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.store.Store;
import net.dhtedge.agent.store.StoreOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk check against the store's reserve, and the data files' permissions. */
class DataFilesChecksTest {

  @TempDir Path dir;
  FakeMachine m;
  AgentConfig config;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    m = new FakeMachine(dir);
    data = dir.resolve("data");
    Files.createDirectories(data);
    config = FakeMachine.config("agent:\n  data_dir: " + data + "\n");
  }

  @Test
  void anEightMegabytePartitionWithRoomIsFine() {
    m.totalBytes = 8L << 20;
    m.usableBytes = 3L << 20;

    Finding f = new DiskCheck(m.env()).run(config).get(0);

    assertThat(f.status()).isEqualTo(Status.OK);
  }

  @Test
  void belowTheStoresReserveFailsAndSaysTheAgentRefusesReadings() {
    m.totalBytes = 8L << 20;
    m.usableBytes = 512L << 10;

    Finding f = new DiskCheck(m.env()).run(config).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .startsWith("512 kB free in " + data + ": below the store's reserve of 1.0 MiB")
        .contains("refuses every new reading");
  }

  @Test
  void aSmallPartitionWarnsBelowTwiceTheReserve() {
    m.totalBytes = 8L << 20;
    m.usableBytes = 1536L << 10;

    Finding f = new DiskCheck(m.env()).run(config).get(0);

    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.message()).isEqualTo("2 MB free in " + data + " (below 2 MB)");
  }

  @Test
  void aBigCardFailsBelowTheCappedReserveOf64MiB() {
    m.usableBytes = 60L << 20;

    assertThat(new DiskCheck(m.env()).run(config).get(0).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void aDataDirectoryOthersCanEnterFails() throws Exception {
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    Finding f = new FilesCheck(m.env()).run(config).get(0);

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message())
        .isEqualTo(
            data + " is 0755: every local user can read the stored" + " readings (want 0750)");
    assertThat(f.fix()).startsWith("chmod 0750 " + data);
  }

  @Test
  void aDatabaseFileReadableByOthersWarnsWithTheFix() throws Exception {
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
    Path db = Files.createDirectories(data.resolve("db"));
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-x---"));
    Path script = Files.writeString(db.resolve("agent.script"), "x");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

    Finding f = new FilesCheck(m.env()).run(config).get(0);

    assertThat(f.status()).isEqualTo(Status.WARN);
    assertThat(f.message()).endsWith("agent.script 0644");
    assertThat(f.fix()).contains("chmod 0640 " + db + "/*");
  }

  @Test
  void aStoreOpenedInAWideDirectoryLeavesItAndItsFilesAtMost0750And0640() throws Exception {
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path db = Files.createDirectories(data.resolve("db"));
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-xr-x"));

    Store.open(StoreOptions.defaults(data)).close();

    assertThat(Files.getPosixFilePermissions(data))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    try (var files = Files.list(db)) {
      for (Path f : files.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f.toString())
            .matches(Files.isDirectory(f) ? "rwxr-x---" : "rw-r-----");
      }
    }
    Finding f = new FilesCheck(m.env()).run(config).get(0);
    assertThat(f.status()).as(f.message()).isEqualTo(Status.OK);
  }

  @Test
  void aNewStoreIsCreated0750() {
    Path fresh = dir.resolve("fresh/data");

    Store.open(StoreOptions.defaults(fresh)).close();

    assertThat(
            new FilesCheck(m.env())
                .run(FakeMachine.config("agent:\n  data_dir: " + fresh + "\n"))
                .get(0)
                .status())
        .isEqualTo(Status.OK);
  }
}
