package io.midnight.gateway.chat;

import io.micrometer.core.instrument.Counter;
import io.midnight.common.Addresses;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * This node's rooms: one bus consumer per room with local sockets in it (registered on the first, removed with
 * the last), each delivery encoded once for all of them. In a cluster a new consumer reaches the publishing nodes
 * a little later (Hazelcast replicates subscriptions asynchronously): what they publish meanwhile never arrives,
 * and without a later delivery to reveal the gap it would stay missing. So a room newly subscribed on a clustered
 * node is read from the store once its subscription has settled, one read for all its sessions. Presence ({@code online}: this node's sockets in the
 * room) is coalesced: a changed room is announced at most every {@link #PRESENCE_MILLIS}.
 *
 * <p>Not thread-safe: used from the gateway's event loop only.
 */
final class RoomFanout {

  static final long PRESENCE_MILLIS = 250;
  /** When a room newly subscribed in a cluster is read from the store again. */
  static final long[] SETTLE_MILLIS = {1_000, 5_000};
  private static final DeliveryOptions SETTLE_READ = new DeliveryOptions().setSendTimeout(10_000);

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
    LocalRoom room = rooms.get(roomId);
    if (room == null) {
      room = new LocalRoom(roomId);
      rooms.put(roomId, room);
      settleLater(room);
    }
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

  private void settleLater(LocalRoom room) {
    if (!vertx.isClustered()) {
      return;
    }
    for (long delay : SETTLE_MILLIS) {
      vertx.setTimer(delay, t -> {
        if (rooms.get(room.id) == room) {
          settle(room);
        }
      });
    }
  }

  /** Reads the room after the oldest seq any of its sessions holds; each session drops what it already has. */
  private void settle(LocalRoom room) {
    long from = Long.MAX_VALUE;
    for (ChatSession session : room.snapshot) {
      Long seq = session.lastSeq(room.id);
      if (seq != null && seq >= 0) {
        from = Math.min(from, seq);
      }
    }
    if (from == Long.MAX_VALUE) {
      return; // no session with an answered join: each reads what it needs itself
    }
    vertx.eventBus().<JsonObject>request(Addresses.STORAGE_MESSAGES_SINCE, new JsonObject().put("roomId", room.id)
        .put("afterSeq", from).put("limit", ChatSession.REPLAY_PAGE), SETTLE_READ)
      .onSuccess(reply -> reply.body().getJsonArray("messages").forEach(m -> {
        Delivery missed = Delivery.of(((JsonObject) m).put("room", room.id));
        for (ChatSession session : room.snapshot) {
          session.deliver(missed);
        }
      }));
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
