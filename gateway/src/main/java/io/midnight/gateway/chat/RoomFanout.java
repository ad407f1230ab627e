package io.midnight.gateway.chat;

import io.midnight.common.Addresses;
import io.midnight.common.socketio.EventFrames;
import io.midnight.gateway.engine.SharedFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One event loop's rooms: one bus consumer per room with sockets of this loop in it (registered on the first,
 * removed with the last), each delivery encoded once for all of them: the JSON once into a {@link Delivery}, and
 * its WebSocket frame once into a {@link SharedFrame} whose bytes every socket of the loop writes. Members are
 * kept as their sessions' cursors, so a delivery reaches each without a lookup.
 *
 * <p>In a cluster a new consumer reaches the publishing nodes a little later (Hazelcast replicates subscriptions
 * asynchronously): what they publish meanwhile never arrives, and without a later delivery to reveal the gap it
 * would stay missing. So a room newly subscribed on a clustered node is read from the store once its subscription
 * has settled, one read for all its sessions of the loop.
 *
 * <p>Presence ({@code online}: the node's sockets in the room, over all loops, from {@link Presence}) is coalesced:
 * a room whose count changed, or that a socket of this loop joined or left, is announced at most every
 * {@link #PRESENCE_MILLIS} (longer for big rooms, see {@link #presenceInterval}), as one frame shared by its
 * sockets of the loop. It carries no recovery offset: it is
 * not a message to replay, and without one a socket's frame is the same as every other's.
 *
 * <p>Not thread-safe: one per gateway instance, used from its event loop only.
 */
final class RoomFanout {

  /** Deliveries fanned out per loop task before the work queued behind them gets its turn. */
  static final int FAN_OUT_SLICE = 16;
  static final long PRESENCE_MILLIS = 250;
  static final long MAX_PRESENCE_MILLIS = 2_000;
  /** When a room newly subscribed in a cluster is read from the store again. */
  static final long[] SETTLE_MILLIS = {1_000, 5_000};
  private static final DeliveryOptions SETTLE_READ = new DeliveryOptions().setSendTimeout(10_000);

  private final class LocalRoom {
    final long id;
    final MessageConsumer<JsonObject> consumer;
    final Set<ChatSession.Cursor> members = new LinkedHashSet<>();
    /** The members as an array, rebuilt on first use after a change (a join storm changes it on every join). */
    private ChatSession.Cursor[] snapshot = new ChatSession.Cursor[0];
    private boolean stale;
    boolean joinedOrLeft;
    int announced = -1;
    long nextPresenceAt;

    LocalRoom(long id) {
      this.id = id;
      this.consumer = vertx.eventBus().consumer(Addresses.room(id), m -> enqueue(this, m.body()));
    }

    void changed() {
      stale = true;
      joinedOrLeft = true;
    }

    ChatSession.Cursor[] snapshot() {
      if (stale) {
        snapshot = members.toArray(new ChatSession.Cursor[0]);
        stale = false;
      }
      return snapshot;
    }
  }

  /** A delivery waiting for its fan-out slice, and how many sockets it was counted for in the node's backlog. */
  private record Queued(LocalRoom room, JsonObject message, int counted) {
  }

  private final Vertx vertx;
  private final Context context;
  private final ChatNode node;
  private final Map<Long, LocalRoom> rooms = new HashMap<>();
  /** Deliveries in arrival order (so per room in seq order), fanned out {@link #FAN_OUT_SLICE} per loop task. */
  private final ArrayDeque<Queued> queued = new ArrayDeque<>();
  private boolean sliceScheduled;
  private final long presenceTimer;

  RoomFanout(Vertx vertx, ChatNode node) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.node = node;
    this.presenceTimer = vertx.setPeriodic(PRESENCE_MILLIS, t -> announcePresence());
  }

  /** Adds the session's cursor to its room; completes once this loop receives the room's deliveries. */
  Future<Void> add(ChatSession.Cursor cursor) {
    LocalRoom room = rooms.get(cursor.room);
    if (room == null) {
      room = new LocalRoom(cursor.room);
      rooms.put(cursor.room, room);
      settleLater(room);
    }
    if (room.members.add(cursor)) {
      node.presence.add(cursor.room);
      room.changed();
    }
    return room.consumer.completion();
  }

  void remove(ChatSession.Cursor cursor) {
    LocalRoom room = rooms.get(cursor.room);
    if (room == null || !room.members.remove(cursor)) {
      return;
    }
    node.presence.remove(cursor.room);
    room.changed();
    if (room.members.isEmpty()) {
      room.consumer.unregister();
      rooms.remove(cursor.room);
    }
  }

  /**
   * Queues a delivery and makes sure a slice will fan it out. A slice is a task at the tail of the loop's queue, so
   * what was queued before it (the acks of sends, joins, polls) runs first: in a burst a sender's ack waits for one
   * slice of fan-out, not for the fan-out of every message that arrived before it. The sockets are still flushed
   * once per loop iteration, after all its slices ({@code LoopFlusher}).
   */
  private void enqueue(LocalRoom room, JsonObject message) {
    int members = room.members.size();
    queued.add(new Queued(room, message, members));
    node.queued.add(members);
    if (!sliceScheduled) {
      sliceScheduled = true;
      context.runOnContext(v -> fanOutSlice());
    }
  }

  private void fanOutSlice() {
    for (int i = 0; i < FAN_OUT_SLICE && !queued.isEmpty(); i++) {
      Queued next = queued.poll();
      node.queued.add(-next.counted());
      deliver(next.room(), Delivery.of(next.message()));
    }
    if (queued.isEmpty()) {
      sliceScheduled = false;
    } else {
      context.runOnContext(v -> fanOutSlice());
    }
  }

  private void deliver(LocalRoom room, Delivery delivery) {
    ChatSession.Cursor[] targets = room.snapshot();
    SharedFrame frame = new SharedFrame(delivery.frame());
    try {
      for (ChatSession.Cursor cursor : targets) {
        cursor.session.deliver(cursor, delivery, frame);
      }
    } finally {
      frame.release();
    }
    node.delivered.increment(targets.length);
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
    for (ChatSession.Cursor cursor : room.snapshot()) {
      if (cursor.lastSeq >= 0) {
        from = Math.min(from, cursor.lastSeq);
      }
    }
    if (from == Long.MAX_VALUE) {
      return; // no session with an answered join: each reads what it needs itself
    }
    vertx.eventBus().<JsonObject>request(Addresses.MESSAGES_SINCE, new JsonObject().put("roomId", room.id)
        .put("afterSeq", from).put("limit", ChatSession.REPLAY_PAGE), SETTLE_READ)
      .onSuccess(reply -> reply.body().getJsonArray("messages").forEach(m -> {
        Delivery missed = Delivery.of(((JsonObject) m).put("room", room.id));
        for (ChatSession.Cursor cursor : room.snapshot()) {
          cursor.session.deliver(cursor, missed, null);
        }
      }));
  }

  /**
   * Announces the rooms whose node-wide count changed, or that a socket of this loop joined or left, each at most
   * once per {@link #presenceInterval}: a big room is announced less often, so that a join storm (every room
   * changing on every tick) costs each room about the same number of frames a second, whatever its size.
   */
  private void announcePresence() {
    long now = System.nanoTime();
    for (LocalRoom room : rooms.values()) {
      int online = node.presence.online(room.id);
      if (!room.joinedOrLeft && online == room.announced || now - room.nextPresenceAt < 0) {
        continue;
      }
      room.joinedOrLeft = false;
      room.announced = online;
      room.nextPresenceAt = now + presenceInterval(room.members.size()) * 1_000_000;
      SharedFrame frame = new SharedFrame(EventFrames.engine(EventFrames.withoutOffset(
        EventFrames.prefix("presence", new JsonObject().put("room", room.id).put("online", online)))));
      try {
        for (ChatSession.Cursor cursor : room.snapshot()) {
          cursor.session.sendShared(frame);
        }
      } finally {
        frame.release();
      }
    }
  }

  /** {@link #PRESENCE_MILLIS} for rooms of up to 25 sockets here, longer in proportion above, at most 2 s. */
  static long presenceInterval(int members) {
    return Math.min(MAX_PRESENCE_MILLIS, PRESENCE_MILLIS * Math.max(1, (members + 24) / 25));
  }

  void close() {
    vertx.cancelTimer(presenceTimer);
    queued.forEach(q -> node.queued.add(-q.counted()));
    queued.clear();
    rooms.values().forEach(r -> {
      r.consumer.unregister();
      r.members.forEach(c -> node.presence.remove(r.id));
    });
    rooms.clear();
  }
}
