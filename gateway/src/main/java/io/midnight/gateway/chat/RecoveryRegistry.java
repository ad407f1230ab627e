package io.midnight.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection-state recovery in this node's memory, without keeping messages: per private session id ({@code pid})
 * it remembers only who held it and, per room, the seq the session started from. The messages themselves come from
 * the store, so a client may recover long after the official server's 2-minute window. Entries live
 * {@code ttlMillis} after their session ended (dropped once a minute, until {@link #close()}) and at most
 * {@code maxEntries} are kept (oldest dropped first). Thread-safe.
 */
final class RecoveryRegistry implements Recovery {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlMillis;
  private final int maxEntries;
  private final Vertx vertx;
  private final long timer;

  RecoveryRegistry(Vertx vertx, long ttlMillis, int maxEntries) {
    this.vertx = vertx;
    this.ttlMillis = ttlMillis;
    this.maxEntries = maxEntries;
    this.timer = vertx.setPeriodic(60_000, t -> expire(System.currentTimeMillis()));
  }

  static String newPid() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public Future<Entry> take(String pid, long userId) {
    return Future.succeededFuture(take(pid, userId, System.currentTimeMillis()));
  }

  /** Removes and returns the entry of {@code pid} when it belongs to {@code userId} and has not expired. */
  Entry take(String pid, long userId, long now) {
    if (pid == null) {
      return null;
    }
    Entry entry = entries.get(pid);
    if (entry == null || entry.userId() != userId || now - entry.endedAt() > ttlMillis) {
      return null;
    }
    return entries.remove(pid, entry) ? entry : null;
  }

  /** In this node's memory a session is remembered when it ends; until then it is the live session itself. */
  @Override
  public void changed(String pid, long userId, String sid, Map<Long, Long> rooms) {
  }

  @Override
  public void forget(String pid) {
    entries.remove(pid);
  }

  @Override
  public void ended(String pid, long userId, String sid, Map<Long, Long> rooms) {
    ended(pid, userId, sid, rooms, System.currentTimeMillis());
  }

  void ended(String pid, long userId, String sid, Map<Long, Long> rooms, long now) {
    if (entries.size() >= maxEntries) {
      evictOldest();
    }
    entries.put(pid, new Entry(userId, sid, Map.copyOf(rooms), now));
  }

  void expire(long now) {
    entries.values().removeIf(e -> now - e.endedAt() > ttlMillis);
  }

  private void evictOldest() {
    long oldest = Long.MAX_VALUE;
    String victim = null;
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Entry> e = it.next();
      if (e.getValue().endedAt() < oldest) {
        oldest = e.getValue().endedAt();
        victim = e.getKey();
      }
    }
    if (victim != null) {
      entries.remove(victim);
    }
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
