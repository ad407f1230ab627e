package io.midnight.storage.sqlite;

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
