package io.midnight.storage.sqlite;

import io.midnight.common.auth.StoreIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a data directory must be before it serves: one store, whose catalog and shards agree (README, "A damaged
 * store"). Each check refuses with what is wrong and what to do ({@link StorageStartupException}), so a store never
 * starts "ready" and wrong: a catalog lost while its shards remain, a manifest emptied or rolled back (a truncated
 * catalog WAL), a shard of another store, a sealed shard whose bytes changed since it was sealed.
 */
final class StoreCheck {

  private static final Logger LOG = LoggerFactory.getLogger(StoreCheck.class);
  private static final Pattern SHARD_FILE = Pattern.compile("shard-(\\d+)\\.db");
  private static final String RESTORE = "restore the data directory from a backup (midnight restore), or move it "
    + "aside to start an empty store";

  private StoreCheck() {
  }

  /** Before the catalog is opened, which would make an empty one beside shards it knows nothing of. */
  static void catalogPresent(Path dataDir, Path messagesDir) {
    if (Files.exists(dataDir.resolve(Catalog.FILE))) {
      return;
    }
    List<Path> files = shardFiles(messagesDir);
    if (!files.isEmpty()) {
      throw new StorageStartupException(dataDir.resolve(Catalog.FILE) + " is missing but " + messagesDir
        + " holds " + files.size() + " shard file(s): users, rooms and the shard manifest are gone; " + RESTORE);
    }
  }

  /**
   * The manifest against the files: an empty manifest beside shard files, or a shard file past the active one
   * that holds messages, means the catalog lost writes it had committed.
   */
  static void manifestMatchesFiles(List<ShardInfo> shards, Path messagesDir) {
    List<Path> files = shardFiles(messagesDir);
    if (shards.isEmpty()) {
      if (!files.isEmpty()) {
        throw new StorageStartupException("the catalog's shard manifest is empty but " + messagesDir + " holds "
          + files.size() + " shard file(s): the catalog is not the one they were written with; " + RESTORE);
      }
      return;
    }
    Set<Path> listed = new HashSet<>();
    shards.forEach(s -> listed.add(s.file().getFileName()));
    int active = shards.get(shards.size() - 1).number();
    for (Path file : files) {
      if (listed.contains(file.getFileName())) {
        continue;
      }
      long messages = messages(file);
      if (number(file) > active && messages > 0) {
        throw new StorageStartupException("shard file " + file + " holds " + messages + " message(s) but the "
          + "catalog's manifest ends at shard " + active + ": the catalog lost committed writes (a truncated or "
          + "replaced catalog-wal?); " + RESTORE);
      }
      LOG.warn("shard file {} is not in the manifest and is ignored ({} message(s))", file, messages);
    }
  }

  /**
   * The store's id and birth: read; made for a new store (born now); given to a store from before ids, born when
   * its oldest user or shard was made, so tokens issued since then stay good ({@code StoreIdentity}).
   */
  static StoreIdentity identity(Connection catalog, long now) throws SQLException {
    try (var st = catalog.createStatement(); ResultSet rs = st.executeQuery("SELECT id, created_at FROM store")) {
      if (rs.next()) {
        return new StoreIdentity(rs.getString(1), rs.getLong(2));
      }
    }
    long born = now;
    try (var st = catalog.createStatement(); ResultSet rs = st.executeQuery(
      "SELECT min(t) FROM (SELECT min(created_at) t FROM users UNION ALL SELECT min(created_at) FROM shards)")) {
      if (rs.next() && rs.getObject(1) != null) {
        born = Math.min(now, rs.getLong(1));
      }
    }
    String id = UUID.randomUUID().toString();
    try (PreparedStatement insert = catalog.prepareStatement("INSERT INTO store(id, created_at) VALUES(?, ?)")) {
      insert.setString(1, id);
      insert.setLong(2, born);
      insert.executeUpdate();
    }
    catalog.commit();
    LOG.info("store id {}", id);
    return new StoreIdentity(id, born);
  }

  /** A shard of this store; one written before shards carried the id is stamped with it now. */
  static void belongs(ShardInfo shard, String storeId) throws SQLException {
    String found = null;
    try (Connection reader = Sqlite.reader(shard.file())) {
      if (hasTable(reader, "shard_meta")) {
        try (var st = reader.createStatement(); ResultSet rs = st.executeQuery("SELECT store_id, shard FROM shard_meta")) {
          if (rs.next()) {
            found = rs.getString(1);
            if (found.equals(storeId) && rs.getInt(2) != shard.number()) {
              throw new StorageStartupException("shard file " + shard.file() + " says it is shard " + rs.getInt(2)
                + ", the manifest lists it as shard " + shard.number() + ": files were renamed or mixed up; " + RESTORE);
            }
          }
        }
      }
    }
    if (found == null) {
      try (Connection writer = Sqlite.writer(shard.file())) {
        stamp(writer, storeId, shard.number());
      }
    } else if (!found.equals(storeId)) {
      throw new StorageStartupException("shard file " + shard.file() + " belongs to store " + found + ", this catalog "
        + "is store " + storeId + ": shards and catalog come from different data directories; " + RESTORE);
    }
  }

  /** Writes the store's id and the shard's number into a shard (a new one, or one from before ids). */
  static void stamp(Connection shard, String storeId, int number) throws SQLException {
    Sqlite.execute(shard, Schema.SHARD[0]);
    try (PreparedStatement insert = shard.prepareStatement("INSERT INTO shard_meta(store_id, shard) VALUES(?, ?)")) {
      insert.setString(1, storeId);
      insert.setInt(2, number);
      insert.executeUpdate();
    }
    shard.commit();
  }

  /** Whether a sealed shard (open as {@code shard}) holds the count and last id its manifest row says; else why not. */
  static String countsProblem(Connection shard, ShardInfo info) throws SQLException {
    try (var st = shard.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM messages")) {
      long count = rs.getLong(1);
      long maxId = rs.getLong(2);
      return count == info.count() && maxId == info.maxId() ? null : "the manifest records " + info.count()
        + " message(s) up to id " + info.maxId() + ", the file holds " + count + " up to id " + maxId;
    }
  }

  /** SHA-256 of a sealed shard's file: what the manifest records at the seal and start-up compares. */
  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean hasTable(Connection connection, String table) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static long messages(Path file) {
    try (Connection reader = Sqlite.reader(file); var st = reader.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM messages")) {
      return rs.getLong(1);
    } catch (SQLException e) {
      return 0; // not a readable shard at all: nothing of ours to lose
    }
  }

  static List<Path> shardFiles(Path messagesDir) {
    if (!Files.isDirectory(messagesDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(messagesDir)) {
      return files.filter(f -> SHARD_FILE.matcher(f.getFileName().toString()).matches()).sorted().toList();
    } catch (IOException e) {
      throw new StorageStartupException("cannot list " + messagesDir + ": " + e.getMessage(), e);
    }
  }

  private static int number(Path file) {
    Matcher m = SHARD_FILE.matcher(file.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }
}
