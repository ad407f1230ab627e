package io.midnight.storage.sqlite;

import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/** Opens SQLite connections the way Midnight needs them: one durable writer per file, read-only readers. */
final class Sqlite {

  private Sqlite() {
  }

  /**
   * Makes {@code file} readable by its owner only (created empty when missing: an empty file is a new database);
   * SQLite gives the WAL and shared-memory files the database file's mode. The catalog holds password hashes and
   * the shards the chat. A file system without POSIX modes keeps its own.
   */
  static void ownerOnly(Path file) throws IOException {
    try {
      if (Files.notExists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
      } else {
        Files.setPosixFilePermissions(file, OWNER_FILE);
      }
    } catch (UnsupportedOperationException noPosix) {
      // e.g. a mounted Windows share: nothing to set
    }
  }

  /** A directory only its owner may list or enter ({@link #ownerOnly} for files). */
  static void ownerOnlyDirectory(Path dir) throws IOException {
    try {
      Files.setPosixFilePermissions(dir, OWNER_DIR);
    } catch (UnsupportedOperationException noPosix) {
      // as above
    }
  }

  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  /**
   * WAL, {@code synchronous=FULL} (every commit is on disk before it returns), manual transactions; the file is
   * its owner's only ({@link #ownerOnly}).
   */
  static Connection writer(Path file) throws SQLException {
    try {
      ownerOnly(file);
    } catch (IOException e) {
      throw new SQLException("cannot make " + file + " private to its owner: " + e.getMessage(), e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setCacheSize(-32_768); // 32 MiB
    config.setBusyTimeout(10_000);
    // a checkpointed WAL is cut back to 64 MiB instead of keeping its largest size: a small disk is not filled by
    // an idle WAL
    config.setJournalSizeLimit(64 << 20);
    Connection connection = config.createConnection("jdbc:sqlite:" + file);
    connection.setAutoCommit(false);
    return connection;
  }

  /** Read-only: a reader can never write, whatever SQL it runs. */
  static Connection reader(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    config.setCacheSize(-16_384);
    return config.createConnection("jdbc:sqlite:" + file);
  }

  static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (column.equals(rs.getString("name"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Adds a column that a file made by an older version lacks. */
  static void addColumnIfMissing(Connection connection, String table, String column, String type) throws SQLException {
    if (!hasColumn(connection, table, column)) {
      execute(connection, "ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
    }
  }

  static void execute(Connection connection, String... sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    }
  }

  /**
   * Commits what is pending, folds a writer connection's WAL into its file and cuts the WAL back
   * ({@code wal_checkpoint(TRUNCATE)}); true when all of it was folded in (a reader holding old pages stops it
   * short). Leaves the connection in manual-commit mode, as writers are.
   */
  static boolean checkpoint(Connection writer) {
    try {
      writer.commit();
      writer.setAutoCommit(true);
      try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        return rs.next() && rs.getInt(1) == 0;
      } finally {
        writer.setAutoCommit(false);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // closing during shutdown or after a failure: nothing left to save
      }
    }
  }
}
