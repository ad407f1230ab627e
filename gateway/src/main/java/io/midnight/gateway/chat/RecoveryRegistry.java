package io.midnight.gateway.chat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection-state recovery without keeping messages in memory: per private session id ({@code pid}) it remembers
 * only who held it and, per room, the seq the session started from. The messages themselves come from the store,
 * so a client may recover long after the official server's 2-minute window. Entries live {@code ttlMillis} after
 * their session ended and at most {@code maxEntries} are kept (oldest dropped first). Thread-safe.
 */
final class RecoveryRegistry {

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What a recovered session gets back: its socket id, and per room (id -> seq) the seq its delivery started
   * after.
   */
  record Entry(long userId, String sid, Map<Long, Long> rooms, long endedAt) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlMillis;
  private final int maxEntries;

  RecoveryRegistry(long ttlMillis, int maxEntries) {
    this.ttlMillis = ttlMillis;
    this.maxEntries = maxEntries;
  }

  static String newPid() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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

  /** A session ended without saying goodbye: keep what it needs to recover. */
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

  int size() {
    return entries.size();
  }
}
