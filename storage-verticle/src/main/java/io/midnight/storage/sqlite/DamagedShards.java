package io.midnight.storage.sqlite;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sealed shards set aside: found damaged at start (with {@code storage.quarantineDamaged}), by the background
 * checksum pass, or by a read that failed inside the file. Reads skip them, so history and search of rooms whose
 * messages are elsewhere keep working; {@code /health} says degraded and names them. Thread-safe.
 */
final class DamagedShards {

  private static final Logger LOG = LoggerFactory.getLogger(DamagedShards.class);

  private final Map<Integer, String> reasons = new ConcurrentHashMap<>();

  void mark(ShardInfo shard, String reason) {
    if (reasons.putIfAbsent(shard.number(), reason) == null) {
      LOG.error("shard {} set aside: {}; reads skip it until it is restored from a backup (README, \"A damaged store\")",
        shard.file(), reason);
    }
  }

  boolean contains(ShardInfo shard) {
    return reasons.containsKey(shard.number());
  }

  boolean isEmpty() {
    return reasons.isEmpty();
  }

  JsonArray toJson(ShardManifest manifest) {
    JsonArray out = new JsonArray();
    manifest.oldestFirst().stream().filter(this::contains).forEach(s -> out.add(new JsonObject()
      .put("shard", s.file().getFileName().toString()).put("messages", s.count()).put("reason", reasons.get(s.number()))));
    return out;
  }
}
