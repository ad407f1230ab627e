package io.midnight.bench;

/**
 * Per message of one step (indexed by its number): how many members its room had when it was sent, whether it was
 * acked, and how many deliveries of it arrived. Each load client keeps one for all numbers of the step (it receives
 * other clients' messages too); {@link #add} merges them. From it: deliveries lost (an acked message that reached
 * fewer than its members) and duplicated (more than its members, acked or not).
 */
final class MessageLedger {

  private final int[] members;
  private final boolean[] acked;
  private final int[] received;

  MessageLedger(int size) {
    members = new int[size];
    acked = new boolean[size];
    received = new int[size];
  }

  int size() {
    return members.length;
  }

  void sent(int number, int roomMembers) {
    members[number] = roomMembers;
  }

  void acked(int number) {
    acked[number] = true;
  }

  /** False when the number is outside this step's range (not a message of this step). */
  boolean received(long number) {
    if (number < 0 || number >= received.length) {
      return false;
    }
    received[(int) number]++;
    return true;
  }

  MessageLedger copy() {
    MessageLedger c = new MessageLedger(size());
    c.add(this);
    return c;
  }

  MessageLedger add(MessageLedger other) {
    for (int i = 0; i < Math.min(size(), other.size()); i++) {
      members[i] = Math.max(members[i], other.members[i]);
      acked[i] |= other.acked[i];
      received[i] += other.received[i];
    }
    return this;
  }

  /** Deliveries that acked messages owed and did not make. */
  long lost() {
    long lost = 0;
    for (int i = 0; i < size(); i++) {
      if (acked[i]) {
        lost += Math.max(0, members[i] - received[i]);
      }
    }
    return lost;
  }

  /** Deliveries beyond one per member of the room, of any message sent. */
  long duplicated() {
    long extra = 0;
    for (int i = 0; i < size(); i++) {
      extra += Math.max(0, received[i] - members[i]);
    }
    return extra;
  }

  /** Deliveries of acked messages, once per member at most: what the goodput counts. */
  long ackedDeliveries() {
    long good = 0;
    for (int i = 0; i < size(); i++) {
      if (acked[i]) {
        good += Math.min(members[i], received[i]);
      }
    }
    return good;
  }
}
