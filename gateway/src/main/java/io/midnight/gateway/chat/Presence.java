package io.midnight.gateway.chat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many sockets of this node are in each room, over every gateway instance: a room's {@code online} count is
 * the node's, whichever loop announces it. Thread-safe.
 */
final class Presence {

  private final ConcurrentHashMap<Long, AtomicInteger> online = new ConcurrentHashMap<>();

  void add(long roomId) {
    online.computeIfAbsent(roomId, id -> new AtomicInteger()).incrementAndGet();
  }

  void remove(long roomId) {
    online.computeIfPresent(roomId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  int online(long roomId) {
    AtomicInteger count = online.get(roomId);
    return count == null ? 0 : count.get();
  }

  /** Rooms with at least one socket on this node. */
  int rooms() {
    return online.size();
  }
}
