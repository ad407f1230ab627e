package io.midnight.storage.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SHA-256 of every sealed shard, recorded in the manifest ({@code shards.checksum}) when the shard is sealed
 * (after its WAL is folded in, so the file alone is the shard) and compared with the file's bytes before the store
 * serves (or in the background: {@code storage.verify}). A shard sealed before checksums existed gets one recorded
 * at its first check. Large stores print a progress line every few seconds.
 */
final class ShardChecksums {

  private static final Logger LOG = LoggerFactory.getLogger(ShardChecksums.class);
  private static final long PROGRESS_NANOS = 5_000_000_000L;

  private ShardChecksums() {
  }

  static void migrate(Connection catalog) throws SQLException {
    Sqlite.addColumnIfMissing(catalog, "shards", "checksum", "TEXT");
  }

  /** Records a sealed shard's checksum in the open transaction; the caller commits. */
  static void write(Connection catalog, int shard, String checksum) throws SQLException {
    try (PreparedStatement ps = catalog.prepareStatement("UPDATE shards SET checksum = ? WHERE shard = ?")) {
      ps.setString(1, checksum);
      ps.setInt(2, shard);
      ps.executeUpdate();
    }
  }

  static Map<Integer, String> recorded(Connection catalog) throws SQLException {
    Map<Integer, String> out = new HashMap<>();
    try (var st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT shard, checksum FROM shards WHERE state = 'sealed'")) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getString(2));
      }
    }
    return out;
  }

  /**
   * Reads every sealed shard whole and answers those whose bytes differ from the recorded checksum, with why.
   * {@code catalog} records the checksums of shards sealed before checksums existed (null: do not record).
   */
  static Map<ShardInfo, String> verify(List<ShardInfo> sealed, Map<Integer, String> recorded, Connection catalog)
    throws SQLException {
    Map<ShardInfo, String> damaged = new LinkedHashMap<>();
    long total = sealed.stream().mapToLong(s -> size(s)).sum();
    long start = System.nanoTime();
    long lastProgress = start;
    long done = 0;
    for (ShardInfo shard : sealed) {
      String actual;
      try {
        actual = StoreCheck.sha256(shard.file());
      } catch (IOException e) {
        damaged.put(shard, "unreadable: " + e.getMessage());
        continue;
      }
      String expected = recorded.get(shard.number());
      if (expected == null) {
        if (catalog != null) {
          write(catalog, shard.number(), actual);
          catalog.commit();
        }
      } else if (!expected.equals(actual)) {
        damaged.put(shard, "its bytes changed since it was sealed (SHA-256 " + actual.substring(0, 12) + "..., "
          + "recorded " + expected.substring(0, 12) + "...)");
      }
      done += size(shard);
      long now = System.nanoTime();
      if (now - lastProgress > PROGRESS_NANOS) {
        lastProgress = now;
        LOG.info("verifying sealed shards: {} of {} MB ({}%)", done >> 20, total >> 20, total == 0 ? 100 : done * 100 / total);
      }
    }
    if (!sealed.isEmpty()) {
      LOG.info("verified {} sealed shard(s), {} MB, in {} ms: {}", sealed.size(), total >> 20,
        (System.nanoTime() - start) / 1_000_000, damaged.isEmpty() ? "all whole" : damaged.size() + " damaged");
    }
    return damaged;
  }

  private static long size(ShardInfo shard) {
    try {
      return Files.size(shard.file());
    } catch (IOException e) {
      return 0;
    }
  }
}
