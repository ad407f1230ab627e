package io.midnight.storage.sqlite;

import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens SQLite connections the way Midnight needs them: one durable writer per file, read-only readers. */
final class Sqlite {

  private Sqlite() {
  }

  /** WAL, {@code synchronous=FULL} (every commit is on disk before it returns), manual transactions. */
  static Connection writer(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setCacheSize(-32_768); // 32 MiB
    config.setBusyTimeout(10_000);
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

  static void execute(Connection connection, String... sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
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
