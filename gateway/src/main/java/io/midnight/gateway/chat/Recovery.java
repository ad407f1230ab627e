package io.midnight.gateway.chat;

import io.vertx.core.Future;

import java.util.Map;

/**
 * Where connection-state recovery remembers sessions: per private session id ({@code pid}) who held it and, per room,
 * the seq its delivery started after. {@link RecoveryRegistry} keeps them in this node's memory; in a cluster,
 * {@link ClusterRecovery} keeps them in a cluster-wide map, so a client whose gateway died recovers on another.
 */
interface Recovery {

  /** What a recovered session gets back: its socket id, and per room (id -> seq) the seq its delivery started after. */
  record Entry(long userId, String sid, Map<Long, Long> rooms, long endedAt) {
  }

  /**
   * Removes and answers the entry of {@code pid} when it belongs to {@code userId} and has not expired, else null;
   * answers on the caller's context (the store is shared by the node's loops).
   */
  Future<Entry> take(String pid, long userId);

  /** A live session joined or left a room (remembered where a node may die without saying goodbye). */
  void changed(String pid, long userId, String sid, Map<Long, Long> rooms);

  /** A session ended without leaving the namespace: keep what it needs to recover. */
  void ended(String pid, long userId, String sid, Map<Long, Long> rooms);

  /** The session left the namespace itself: nothing of it is to be recovered. */
  void forget(String pid);

  /** Sessions this node can recover now, or -1 where the count is not known locally (cluster-wide). */
  int size();

  void close();
}
