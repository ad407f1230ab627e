package io.midnight.storage.sqlite;

import io.midnight.storage.LegacyNameKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Usernames are unique by their lookalike key, held in {@code users.name_key} under a unique index. A catalog
 * made before that column existed gets it here, once, at start ({@link LegacyNameKeys}).
 */
final class NameKeys {

  private static final Logger LOG = LoggerFactory.getLogger(NameKeys.class);

  private NameKeys() {
  }

  static void migrate(Connection catalog) throws SQLException {
    Sqlite.addColumnIfMissing(catalog, "users", "name_key", "TEXT");
    backfill(catalog);
    try (Statement st = catalog.createStatement()) {
      st.execute("CREATE UNIQUE INDEX IF NOT EXISTS users_name_key ON users(name_key)");
    }
  }

  private static void backfill(Connection catalog) throws SQLException {
    LegacyNameKeys keys = new LegacyNameKeys();
    try (Statement st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, name_key FROM users WHERE name_key IS NOT NULL")) {
      while (rs.next()) {
        keys.taken(rs.getString(2), rs.getLong(1));
      }
    }
    int filled = 0;
    try (Statement st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, username FROM users WHERE name_key IS NULL ORDER BY id");
         PreparedStatement update = catalog.prepareStatement("UPDATE users SET name_key = ? WHERE id = ?")) {
      while (rs.next()) {
        update.setString(1, keys.keyFor(rs.getLong(1), rs.getString(2)));
        update.setLong(2, rs.getLong(1));
        update.addBatch();
        filled++;
      }
      update.executeBatch();
    }
    if (filled > 0) {
      LOG.info("usernames: computed the lookalike key of {} user(s) made before keys existed", filled);
    }
  }
}
