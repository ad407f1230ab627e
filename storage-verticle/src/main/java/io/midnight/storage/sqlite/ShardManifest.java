package io.midnight.storage.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of the shards, oldest first, ending with the active one. The writer publishes a new
 * snapshot after every roll or retention delete; readers take whichever is current. Thread-safe (immutable).
 */
final class ShardManifest {

  private final NavigableMap<Integer, ShardInfo> shards;

  ShardManifest(List<ShardInfo> shards) {
    TreeMap<Integer, ShardInfo> map = new TreeMap<>();
    shards.forEach(s -> map.put(s.number(), s));
    this.shards = Collections.unmodifiableNavigableMap(map);
  }

  /** The manifest rows of {@code catalog}, oldest first (the last is the active shard). */
  static List<ShardInfo> read(Connection catalog, Path messagesDir) throws SQLException {
    List<ShardInfo> shards = new ArrayList<>();
    try (var st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT shard, file, state, coalesce(min_id, 0), coalesce(max_id, 0), "
           + "coalesce(min_ts, 0), coalesce(max_ts, 0), message_count FROM shards ORDER BY shard")) {
      while (rs.next()) {
        shards.add(new ShardInfo(rs.getInt(1), messagesDir.resolve(rs.getString(2)), "sealed".equals(rs.getString(3)),
          rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
      }
    }
    return shards;
  }

  ShardInfo activeShard() {
    return shards.lastEntry().getValue();
  }

  /** Newest first: the order history and search read in. */
  List<ShardInfo> newestFirst() {
    return List.copyOf(shards.descendingMap().values());
  }

  List<ShardInfo> oldestFirst() {
    return List.copyOf(shards.values());
  }

  List<ShardInfo> sealed() {
    return List.copyOf(shards.headMap(activeShard().number(), false).values());
  }

  ShardInfo previous() {
    var entry = shards.lowerEntry(activeShard().number());
    return entry == null ? null : entry.getValue();
  }

  int size() {
    return shards.size();
  }

  long sealedMessages() {
    return sealed().stream().mapToLong(ShardInfo::count).sum();
  }
}
