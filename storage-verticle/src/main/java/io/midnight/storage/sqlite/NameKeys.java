package io.midnight.storage.sqlite;

import io.midnight.common.names.UserNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Usernames are unique by {@link UserNames#key}, held in {@code users.name_key} under a unique index. A catalog
 * made before that column existed gets it here, once, at start: each user's key is computed in id order, and when
 * two earlier users already look alike (they could be made then), the later one keeps its account and its token
 * but its key is made unique with its id, so that its name no longer finds it at login; the log names them.
 */
final class NameKeys {

  private static final Logger LOG = LoggerFactory.getLogger(NameKeys.class);

  private NameKeys() {
  }

  static void migrate(Connection catalog) throws SQLException {
    boolean hasColumn = false;
    try (Statement st = catalog.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(users)")) {
      while (rs.next()) {
        hasColumn |= "name_key".equals(rs.getString("name"));
      }
    }
    try (Statement st = catalog.createStatement()) {
      if (!hasColumn) {
        st.execute("ALTER TABLE users ADD COLUMN name_key TEXT");
      }
    }
    backfill(catalog);
    try (Statement st = catalog.createStatement()) {
      st.execute("CREATE UNIQUE INDEX IF NOT EXISTS users_name_key ON users(name_key)");
    }
  }

  private static void backfill(Connection catalog) throws SQLException {
    Map<String, Long> owners = new HashMap<>();
    try (Statement st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, name_key FROM users WHERE name_key IS NOT NULL")) {
      while (rs.next()) {
        owners.put(rs.getString(2), rs.getLong(1));
      }
    }
    int filled = 0;
    try (Statement st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, username FROM users WHERE name_key IS NULL ORDER BY id");
         PreparedStatement update = catalog.prepareStatement("UPDATE users SET name_key = ? WHERE id = ?")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        String key = UserNames.key(rs.getString(2));
        Long owner = owners.putIfAbsent(key, id);
        if (owner != null) {
          LOG.warn("user {} '{}' looks the same as user {}: it keeps its account and token, but signs in by name "
            + "no more", id, rs.getString(2), owner);
          key = key + " #" + id; // a space: no username holds one, so no name maps here
        }
        update.setString(1, key);
        update.setLong(2, id);
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
