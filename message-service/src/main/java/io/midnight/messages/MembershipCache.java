package io.midnight.messages;

import java.util.HashSet;
import java.util.Set;

/**
 * Memberships this node has confirmed with storage, so a steady sender costs no lookup per message. Only positive
 * answers are kept; a leave (published on the bus after its commit) removes the entry. A lookup answered after a
 * leave was announced may have been read before that leave committed (storage reads beside its writer), so its
 * answer is used but not kept ({@link #leaves()}). Bounded: when full it starts over, which costs lookups, never
 * correctness. Event-loop only.
 */
final class MembershipCache {

  private final int capacity;
  private final Set<Key> members = new HashSet<>();
  private long leaves;

  private record Key(long roomId, long userId) {
  }

  MembershipCache(int capacity) {
    this.capacity = capacity;
  }

  boolean contains(long roomId, long userId) {
    return members.contains(new Key(roomId, userId));
  }

  /** How many leaves were announced so far: taken before a lookup, handed to {@link #add} with its answer. */
  long leaves() {
    return leaves;
  }

  /** Keeps a membership storage confirmed, unless a leave was announced since {@code leavesBefore}. */
  void add(long roomId, long userId, long leavesBefore) {
    if (leaves != leavesBefore) {
      return;
    }
    if (members.size() >= capacity) {
      members.clear();
    }
    members.add(new Key(roomId, userId));
  }

  void remove(long roomId, long userId) {
    leaves++;
    members.remove(new Key(roomId, userId));
  }
}
