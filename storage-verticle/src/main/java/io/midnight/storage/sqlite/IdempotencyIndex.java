package io.midnight.storage.sqlite;

import java.util.HashMap;
import java.util.Map;

/**
 * Acks by {@code (senderId, clientMsgId)} for every message of the active shard and of the shard sealed before it,
 * so a retry finds its original ack across a roll; both are reloaded from disk at start, so across a restart too.
 * A key older than the previous shard (at least {@code maxMessagesPerShard} messages back) is forgotten.
 * Writer thread only.
 */
final class IdempotencyIndex {

  record Key(long senderId, String clientMsgId) {
  }

  private final int expected;
  private Map<Key, Ack> current;
  private Map<Key, Ack> previous;

  /** @param expected keys one shard holds at most, so the maps never rehash while a shard fills */
  IdempotencyIndex(int expected) {
    this.expected = expected;
    this.current = newMap();
    this.previous = newMap();
  }

  private Map<Key, Ack> newMap() {
    return new HashMap<>((int) (expected / 0.75f) + 1);
  }

  Ack find(long senderId, String clientMsgId) {
    Key key = new Key(senderId, clientMsgId);
    Ack ack = current.get(key);
    return ack != null ? ack : previous.get(key);
  }

  void put(long senderId, String clientMsgId, Ack ack) {
    current.put(new Key(senderId, clientMsgId), ack);
  }

  void putPrevious(long senderId, String clientMsgId, Ack ack) {
    previous.put(new Key(senderId, clientMsgId), ack);
  }

  /** The active shard was sealed: its keys become the previous shard's, the oldest are dropped. */
  void roll() {
    previous = current;
    current = newMap();
  }

  void clear() {
    current.clear();
    previous.clear();
  }

  int size() {
    return current.size() + previous.size();
  }
}
