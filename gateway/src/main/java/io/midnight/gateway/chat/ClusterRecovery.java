package io.midnight.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Recovery entries in a cluster-wide map (Hazelcast, through Vert.x shared data), written when a session joins or
 * leaves a room as well as when it ends: a gateway killed with SIGKILL says no goodbye, and its clients still
 * recover their sessions (same id, every missed message) on whichever gateway they reach next. Entries expire
 * {@code ttlMillis} after their last write.
 */
final class ClusterRecovery implements Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRecovery.class);
  static final String MAP = "midnight.recovery";

  private final Vertx vertx;
  private final long ttlMillis;

  ClusterRecovery(Vertx vertx, long ttlMillis) {
    this.vertx = vertx;
    this.ttlMillis = ttlMillis;
  }

  /**
   * The map, asked for on the caller's context each time, so that what it answers comes back on that context: the
   * node's gateway instances share this store, and each session is confined to its own loop (a map future kept
   * from construction would answer on the context that made it).
   */
  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  @Override
  public Future<Entry> take(String pid, long userId) {
    if (pid == null) {
      return Future.succeededFuture();
    }
    return map().compose(m -> m.get(pid).compose(json -> {
      if (json == null || json.getLong("userId") != userId) {
        return Future.<Entry>succeededFuture();
      }
      return m.removeIfPresent(pid, json).map(removed -> removed ? entry(json) : null);
    })).recover(e -> {
      // the map is unreachable (a member is being lost): a new session; the client rejoins with sinceSeq
      LOG.warn("cannot look up session {} for recovery: {}", pid, e.getMessage());
      return Future.succeededFuture();
    });
  }

  @Override
  public void forget(String pid) {
    map().compose(m -> m.remove(pid))
      .onFailure(e -> LOG.warn("cannot forget session {}: {}", pid, e.getMessage()));
  }

  @Override
  public void changed(String pid, long userId, String sid, Map<Long, Long> rooms) {
    put(pid, userId, sid, rooms);
  }

  @Override
  public void ended(String pid, long userId, String sid, Map<Long, Long> rooms) {
    put(pid, userId, sid, rooms);
  }

  private void put(String pid, long userId, String sid, Map<Long, Long> rooms) {
    JsonObject bases = new JsonObject();
    rooms.forEach((room, seq) -> bases.put(Long.toString(room), seq));
    JsonObject json = new JsonObject().put("userId", userId).put("sid", sid).put("rooms", bases)
      .put("at", System.currentTimeMillis());
    map().compose(m -> m.put(pid, json, ttlMillis))
      .onFailure(e -> LOG.warn("cannot remember session {} for recovery: {}", pid, e.getMessage()));
  }

  private static Entry entry(JsonObject json) {
    Map<Long, Long> rooms = new HashMap<>();
    json.getJsonObject("rooms").forEach(e -> rooms.put(Long.parseLong(e.getKey()), ((Number) e.getValue()).longValue()));
    return new Entry(json.getLong("userId"), json.getString("sid"), rooms, json.getLong("at"));
  }

  @Override
  public int size() {
    return -1;
  }

  @Override
  public void close() {
  }
}
