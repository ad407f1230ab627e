package io.midnight.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the {@link BareBroadcastServer} instances (one per event loop) share: message ids, and for each room its
 * next seq and the instances that have members in it. Sockets themselves stay with their own instance.
 */
final class BareRooms {

  final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Integer, Room> rooms = new ConcurrentHashMap<>();

  static final class Room {
    final AtomicLong lastSeq = new AtomicLong();
    /** Instances with at least one member here: a broadcast is handed to each once. Rarely written. */
    final CopyOnWriteArrayList<BareBroadcastServer> loops = new CopyOnWriteArrayList<>();
  }

  Room room(int id) {
    return rooms.computeIfAbsent(id, k -> new Room());
  }
}
