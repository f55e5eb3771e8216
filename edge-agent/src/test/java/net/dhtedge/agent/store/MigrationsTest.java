package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations are versioned SQL files with checksums; an applied one that changed is refused. */
class MigrationsTest {

  @TempDir Path dir;
  final Dialect hsqldb = Dialect.hsqldb();
  final List<Migrations.Migration> shipped = Migrations.load(MigrationSource.classpath(), hsqldb);

  StoreOptions options() {
    return StoreOptions.defaults(dir);
  }

  Connection raw() throws SQLException {
    return DriverManager.getConnection(
        hsqldb.jdbcUrl(options().dbDir()), hsqldb.connectionProperties());
  }

  /** Runs statements on the closed store's files, then shuts the database down cleanly. */
  void onTheFiles(String... sql) throws SQLException {
    try (Connection c = raw();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
      s.execute("SHUTDOWN");
    }
  }

  List<long[]> versions() throws SQLException {
    List<long[]> out = new ArrayList<>();
    try (Connection c = raw();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, applied_at, COALESCE(checksum, -1) FROM schema_version"
                    + " ORDER BY version")) {
      while (rs.next()) {
        out.add(new long[] {rs.getInt(1), rs.getLong(2), rs.getLong(3)});
      }
      s.execute("SHUTDOWN");
    }
    return out;
  }

  void openAndClose() {
    Store.open(options()).close();
  }

  @Test
  void theJarShipsFiveMigrationsAndHsqldbGetsItsOwnFourth() {
    assertThat(shipped).extracting(Migrations.Migration::version).containsExactly(1, 2, 3, 4, 5);
    assertThat(shipped.get(3).file()).isEqualTo("hsqldb/V4.sql");
    assertThat(shipped.get(3).statements())
        .containsExactly("SET TABLE devices TYPE MEMORY", "SET TABLE row_counts TYPE MEMORY");
    assertThat(shipped.get(0).statements())
        .anySatisfy(sql -> assertThat(sql).contains("payload VARBINARY(8192) NOT NULL"))
        .noneSatisfy(sql -> assertThat(sql).contains("${"));
    assertThat(shipped.get(2).description())
        .isEqualTo("row counts kept by the writer, so the status page never counts a whole table");
  }

  @Test
  void anotherDialectGetsTheCommonFourthWhichDoesNothing() {
    Migrations.Migration v4 =
        Migrations.load(MigrationSource.classpath(), new OtherDialect()).get(3);
    assertThat(v4.file()).isEqualTo("V4.sql");
    assertThat(v4.statements()).isEmpty();
  }

  @Test
  void aFreshDatabaseRecordsEveryMigrationWithTheChecksumOfItsFile() throws SQLException {
    openAndClose();
    List<long[]> v = versions();
    assertThat(v).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(v.get(i)[0]).isEqualTo(i + 1);
      assertThat(v.get(i)[2]).isEqualTo(shipped.get(i).checksum());
    }
  }

  @Test
  void anAppliedMigrationWhoseFileWasEditedIsRefusedAtStartUp() throws SQLException {
    openAndClose();
    MigrationSource edited =
        name -> {
          Optional<String> text = MigrationSource.classpath().read(name);
          return name.equals("V3.sql") ? text.map(t -> t + "-- one more comment\n") : text;
        };
    try (Connection c = raw()) {
      assertThatThrownBy(() -> Migrations.migrate(c, hsqldb, edited, 0))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("V3.sql was edited after it was applied")
          .hasMessageContaining("add a new migration instead");
      c.createStatement().execute("SHUTDOWN");
    }
    // The same check guards Store.open: an applied checksum that differs from the file's.
    onTheFiles("UPDATE schema_version SET checksum = checksum + 1 WHERE version = 2");
    assertThatThrownBy(this::openAndClose)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("V2.sql was edited");
  }

  @Test
  void aDatabaseFromBeforeChecksumsIsBaselinedAndNotMigratedAgain() throws SQLException {
    openAndClose();
    List<long[]> before = versions();
    onTheFiles("ALTER TABLE schema_version DROP COLUMN checksum"); // as agent 0.1 left it
    openAndClose();
    List<long[]> after = versions();
    assertThat(after).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(after.get(i)[1]).as("applied_at of V%d", i + 1).isEqualTo(before.get(i)[1]);
      assertThat(after.get(i)[2]).isEqualTo(shipped.get(i).checksum());
    }
  }

  @Test
  void aDatabaseWrittenByANewerAgentIsRefused() throws SQLException {
    openAndClose();
    onTheFiles(
        "INSERT INTO schema_version (version, description, applied_at, checksum)"
            + " VALUES (6, 'from the future', 0, 0)");
    assertThatThrownBy(this::openAndClose)
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 6, newer than this agent knows (5)");
  }

  @Test
  void aFileIsParsedIntoStatementsWithItsPlaceholdersFilledIn() {
    Migrations.Migration m =
        Migrations.parse(
            7,
            "V7.sql",
            "-- a test\r\n-- a comment\r\nCREATE TABLE t (b ${binary_type},\r\n  n INT);\r\n"
                + "\r\nDROP TABLE u;\r\n",
            Map.of("binary_type", "BYTEA"));
    assertThat(m.description()).isEqualTo("a test");
    assertThat(m.statements()).containsExactly("CREATE TABLE t (b BYTEA, n INT)", "DROP TABLE u");
    assertThat(m.checksum())
        .isEqualTo(
            Migrations.parse(
                    7,
                    "V7.sql",
                    "-- a test\n-- a comment\nCREATE TABLE t (b ${binary_type},\n  n INT);\n\nDROP TABLE u;\n",
                    Map.of("binary_type", "X"))
                .checksum());
  }

  @Test
  void aBadFileSaysWhatIsWrongWithIt() {
    Map<String, String> none = Map.of();
    assertThatThrownBy(() -> Migrations.parse(8, "V8.sql", "CREATE TABLE t (n INT);\n", none))
        .hasMessageContaining("V8.sql: the first line must be '-- '");
    assertThatThrownBy(() -> Migrations.parse(8, "V8.sql", "-- x\nCREATE TABLE t (n INT)\n", none))
        .hasMessageContaining("does not end with ';'");
    assertThatThrownBy(
            () -> Migrations.parse(8, "V8.sql", "-- x\nCREATE TABLE t (b ${blob});\n", none))
        .hasMessageContaining("unknown placeholder ${blob}");
  }

  /** A dialect with no files of its own (the shape a PostgreSQL dialect will have). */
  static final class OtherDialect implements Dialect {
    @Override
    public String jdbcUrl(Path dbDir) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.Properties connectionProperties() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> setupStatements(int fileWriteDelayMillis) {
      return List.of();
    }

    @Override
    public String name() {
      return "other";
    }

    @Override
    public Map<String, String> placeholders() {
      return Map.of("binary_type", "BYTEA");
    }

    @Override
    public String deleteLimited(String table, String where, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String shutdownStatement() {
      return null;
    }
  }
}
