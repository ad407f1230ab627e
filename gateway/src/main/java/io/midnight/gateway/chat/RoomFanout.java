package io.midnight.gateway.chat;

import io.micrometer.core.instrument.Counter;
import io.midnight.common.Addresses;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * This node's rooms: one bus consumer per room with local sockets in it (registered on the first, removed with
 * the last), each delivery encoded once for all of them. Presence ({@code online}: this node's sockets in the
 * room) is coalesced: a changed room is announced at most every {@link #PRESENCE_MILLIS}.
 *
 * <p>Not thread-safe: used from the gateway's event loop only.
 */
final class RoomFanout {

  static final long PRESENCE_MILLIS = 250;

  private final class LocalRoom {
    final long id;
    final MessageConsumer<JsonObject> consumer;
    final Set<ChatSession> sessions = new LinkedHashSet<>();
    ChatSession[] snapshot = new ChatSession[0];
    boolean presenceDirty;

    LocalRoom(long id) {
      this.id = id;
      this.consumer = vertx.eventBus().consumer(Addresses.room(id), m -> deliver(this, Delivery.of(m.body())));
    }

    void changed() {
      snapshot = sessions.toArray(new ChatSession[0]);
      if (!presenceDirty) {
        presenceDirty = true;
        dirty.add(this);
      }
    }
  }

  private final Vertx vertx;
  private final Map<Long, LocalRoom> rooms = new HashMap<>();
  private final Set<LocalRoom> dirty = new LinkedHashSet<>();
  private final long presenceTimer;
  private long deliveries;
  private final Counter delivered = Counter.builder("midnight.messages.delivered")
    .description("messages handed to a socket (one per member connected here)").register(Meters.registry());

  RoomFanout(Vertx vertx) {
    this.vertx = vertx;
    this.presenceTimer = vertx.setPeriodic(PRESENCE_MILLIS, t -> announcePresence());
  }

  /** Adds the session to the room; completes once this node receives the room's deliveries. */
  Future<Void> add(ChatSession session, long roomId) {
    LocalRoom room = rooms.computeIfAbsent(roomId, LocalRoom::new);
    room.sessions.add(session);
    room.changed();
    return room.consumer.completion();
  }

  void remove(ChatSession session, long roomId) {
    LocalRoom room = rooms.get(roomId);
    if (room == null || !room.sessions.remove(session)) {
      return;
    }
    room.changed();
    if (room.sessions.isEmpty()) {
      room.consumer.unregister();
      rooms.remove(roomId);
    }
  }

  private void deliver(LocalRoom room, Delivery delivery) {
    ChatSession[] targets = room.snapshot;
    for (ChatSession session : targets) {
      session.deliver(delivery);
    }
    deliveries += targets.length;
    delivered.increment(targets.length);
  }

  private void announcePresence() {
    if (dirty.isEmpty()) {
      return;
    }
    LocalRoom[] changed = dirty.toArray(new LocalRoom[0]);
    dirty.clear();
    for (LocalRoom room : changed) {
      room.presenceDirty = false;
      if (room.sessions.isEmpty()) {
        continue;
      }
      String prefix = "2[\"presence\"," + Json.encode(new JsonObject().put("room", room.id)
        .put("online", room.sessions.size()));
      for (ChatSession session : room.snapshot) {
        session.sendEvent(prefix);
      }
    }
  }

  int localRooms() {
    return rooms.size();
  }

  long deliveries() {
    return deliveries;
  }

  void close() {
    vertx.cancelTimer(presenceTimer);
    rooms.values().forEach(r -> r.consumer.unregister());
    rooms.clear();
  }
}
