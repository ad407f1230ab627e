package io.midnight.messages;

import java.util.HashSet;
import java.util.Set;

/**
 * Memberships this node has confirmed with storage, so a steady sender costs no lookup per message. Only positive
 * answers are kept; a leave (published on the bus after its commit) removes the entry. Bounded: when full it
 * starts over, which costs lookups, never correctness. Event-loop only.
 */
final class MembershipCache {

  private final int capacity;
  private final Set<Key> members = new HashSet<>();

  private record Key(long roomId, long userId) {
  }

  MembershipCache(int capacity) {
    this.capacity = capacity;
  }

  boolean contains(long roomId, long userId) {
    return members.contains(new Key(roomId, userId));
  }

  void add(long roomId, long userId) {
    if (members.size() >= capacity) {
      members.clear();
    }
    members.add(new Key(roomId, userId));
  }

  void remove(long roomId, long userId) {
    members.remove(new Key(roomId, userId));
  }
}
