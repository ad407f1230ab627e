package io.midnight.gateway.chat;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import io.midnight.gateway.TokenVerifier.Caller;
import io.midnight.gateway.engine.SharedFrame;
import io.midnight.gateway.overload.OverloadGuard;
import io.midnight.gateway.socketio.SocketIoSocket;
import io.midnight.gateway.socketio.SocketIoSocket.Ack;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One signed-in socket on the chat namespace: its events ({@code join}, {@code leave}, {@code message},
 * {@code history}) and its deliveries. Per room it keeps a cursor, the last seq it sent, so that each room reaches
 * the client in seq order with no gap and no duplicate: live deliveries that arrive while missed messages are
 * being read from the store wait, and a gap in live traffic is filled from the store before going on.
 * Every delivery carries the session's offset (the highest message id sent) for connection-state recovery.
 *
 * <p>Not thread-safe: confined to the gateway's event loop.
 */
final class ChatSession {

  static final List<String> EVENTS = List.of("join", "leave", "message", "history");
  static final int MAX_IN_FLIGHT = 64;
  static final int REPLAY_PAGE = 200;
  static final int MAX_HELD = 10_000;
  private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(10_000);

  /** A room as this socket sees it: the last seq sent, and what waits while missed messages are read. */
  static final class Cursor {
    final ChatSession session;
    final long room;
    /** The seq delivery started after; -1 while the join is not answered yet. */
    long baseSeq;
    final long floorId;
    long lastSeq;
    /** False until a message was sent when recovery starts from an offset, not from a known seq. */
    boolean gapCheck;
    boolean catchingUp = true;
    boolean overflowed;
    /** Set when the session left the room (or its join failed): the cursor is out of the fan-out. */
    boolean left;
    final List<Delivery> held = new ArrayList<>();

    Cursor(ChatSession session, long room, long baseSeq, long floorId) {
      this.session = session;
      this.room = room;
      this.baseSeq = baseSeq;
      this.floorId = floorId;
      this.lastSeq = baseSeq;
      this.gapCheck = floorId == 0;
    }
  }

  private final Vertx vertx;
  private final SocketIoSocket socket;
  private final Caller caller;
  private final RoomFanout fanout;
  private final OverloadGuard overload;
  private final Map<Long, Cursor> rooms = new HashMap<>();
  private long offset;
  private int inFlight;
  private boolean closed;
  private Runnable roomsChanged = () -> { };

  ChatSession(Vertx vertx, SocketIoSocket socket, Caller caller, RoomFanout fanout, OverloadGuard overload) {
    this.vertx = vertx;
    this.socket = socket;
    this.caller = caller;
    this.fanout = fanout;
    this.overload = overload;
  }

  /** Called after a join or a leave changed {@link #roomBases()}. */
  void onRoomsChanged(Runnable handler) {
    roomsChanged = handler;
  }

  /** Room id -> the seq this session's delivery started after: what recovery needs. */
  Map<Long, Long> roomBases() {
    Map<Long, Long> bases = new HashMap<>();
    rooms.values().forEach(c -> bases.put(c.room, c.baseSeq));
    return bases;
  }

  // ---- events from the client ----

  void onEvent(String event, JsonArray args, Ack ack) {
    if (inFlight >= MAX_IN_FLIGHT) {
      reject(event, ack, ErrorCode.RATE_LIMITED, "more than " + MAX_IN_FLIGHT + " requests waiting for an answer");
      return;
    }
    Future<JsonObject> answer;
    boolean admitted = false;
    try {
      if (!EVENTS.contains(event)) {
        throw new ServiceException(ErrorCode.INVALID_REQUEST, "unknown event '" + event + "': this server takes "
          + String.join(", ", EVENTS));
      }
      if (args.isEmpty() || !(args.getValue(0) instanceof JsonObject body)) {
        throw new ServiceException(ErrorCode.INVALID_REQUEST, "'" + event + "' takes one JSON object argument");
      }
      if (event.equals("message")) {
        JsonObject refusal = overload.admit();
        if (refusal != null) {
          refuse(event, ack, refusal);
          return;
        }
        admitted = true;
      }
      answer = switch (event) {
        case "join" -> join(room(body), optionalSeq(body, "sinceSeq"));
        case "leave" -> leave(room(body));
        case "message" -> send(room(body), body);
        case "history" -> request(Addresses.MESSAGES_HISTORY, new JsonObject().put("roomId", room(body))
          .put("beforeSeq", optionalSeq(body, "beforeSeq")).put("limit", body.getValue("limit")));
        default -> throw new IllegalStateException(event);
      };
      if (admitted) {
        answer = answer.andThen(ar -> overload.done());
      }
    } catch (ServiceException e) {
      if (admitted) {
        overload.done();
      }
      reject(event, ack, e.code(), e.getMessage());
      return;
    }
    inFlight++;
    answer.onComplete(ar -> {
      inFlight--;
      if (ar.succeeded()) {
        if (ack != null) {
          ack.send(ar.result());
        }
      } else {
        reject(event, ack, ErrorCode.of(ar.cause()), ErrorCode.messageOf(ar.cause()));
      }
    });
  }

  private void reject(String event, Ack ack, ErrorCode code, String message) {
    refuse(event, ack, code.toJson(message));
  }

  /** Answers with {@code {"error": {...}}}: in the ack when the client asked for one, else as an error event. */
  private void refuse(String event, Ack ack, JsonObject error) {
    if (ack != null) {
      ack.send(error);
    } else {
      socket.emit("error", error.getJsonObject("error").copy().put("event", event));
    }
  }

  private static long room(JsonObject body) {
    Object room = body.getValue("room");
    if (room instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() > 0) {
      return n.longValue();
    }
    if (room instanceof String s && s.matches("\\d{1,18}")) {
      return Long.parseLong(s);
    }
    throw new ServiceException(ErrorCode.INVALID_REQUEST, "'room' must be a room id (a positive integer)");
  }

  private static Long optionalSeq(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() >= 0) {
      return n.longValue();
    }
    throw new ServiceException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be a non-negative integer");
  }

  private Future<JsonObject> join(long roomId, Long sinceSeq) {
    Cursor existing = rooms.get(roomId);
    if (existing != null) {
      return request(Addresses.ROOMS_JOIN, membership(roomId));
    }
    Cursor cursor = new Cursor(this, roomId, -1, 0);
    rooms.put(roomId, cursor);
    return fanout.add(cursor)
      .compose(v -> request(Addresses.ROOMS_JOIN, membership(roomId)))
      .onFailure(e -> {
        if (rooms.remove(roomId, cursor)) {
          cursor.left = true;
          fanout.remove(cursor);
        }
      })
      .onSuccess(info -> {
        if (rooms.get(roomId) != cursor) {
          return; // left again before the join was answered
        }
        long base = sinceSeq != null ? Math.min(sinceSeq, info.getLong("lastSeq")) : info.getLong("lastSeq");
        cursor.baseSeq = base;
        cursor.lastSeq = base;
        roomsChanged.run();
        // after the ack has gone out: the replay follows it, then live traffic. Without sinceSeq there is nothing
        // to read: every message after lastSeq was published after this node subscribed, so it is held or coming.
        vertx.runOnContext(v -> {
          if (sinceSeq != null) {
            catchUp(cursor);
          } else {
            release(cursor);
          }
        });
      });
  }

  /** Recovery: resumes each room after what the client last saw (its offset), from the store. */
  Future<Void> recover(Map<Long, Long> bases, long clientOffset) {
    List<Future<Void>> joined = new ArrayList<>();
    bases.forEach((roomId, base) -> {
      Cursor cursor = new Cursor(this, roomId, base, clientOffset);
      rooms.put(roomId, cursor);
      joined.add(fanout.add(cursor));
    });
    offset = clientOffset;
    return Future.all(joined).compose(v -> {
      List<Future<Void>> replays = new ArrayList<>();
      rooms.values().forEach(c -> replays.add(catchUp(c)));
      return Future.all(replays).mapEmpty();
    });
  }

  private Future<JsonObject> leave(long roomId) {
    Cursor cursor = rooms.remove(roomId);
    if (cursor != null) {
      cursor.left = true;
      fanout.remove(cursor);
      roomsChanged.run();
    }
    return request(Addresses.ROOMS_LEAVE, membership(roomId));
  }

  private Future<JsonObject> send(long roomId, JsonObject body) {
    return request(Addresses.MESSAGES_SEND, new JsonObject()
      .put("roomId", roomId)
      .put("userId", caller.userId())
      .put("username", caller.username())
      .put("text", body.getValue("text"))
      .put("clientMsgId", body.getValue("clientMsgId")))
      .map(ack -> new JsonObject().put("id", ack.getLong("id")).put("seq", ack.getLong("seq"))
        .put("ts", ack.getLong("ts")));
  }

  private JsonObject membership(long roomId) {
    return new JsonObject().put("roomId", roomId).put("userId", caller.userId());
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, REQUEST).map(m -> m.body());
  }

  // ---- deliveries ----

  /**
   * A live delivery from the room's bus consumer to this session's cursor in the room; {@code frame} is the
   * delivery's packet shared by the loop's sockets (null when there is none: a settling read).
   */
  void deliver(Cursor cursor, Delivery d, SharedFrame frame) {
    if (closed || cursor.left) {
      return;
    }
    if (cursor.catchingUp) {
      hold(cursor, d);
      return;
    }
    if (d.seq() <= cursor.lastSeq || d.id() <= cursor.floorId) {
      return;
    }
    if (cursor.gapCheck && d.seq() > cursor.lastSeq + 1) {
      // a gap: a delivery was lost or overtaken on the bus; the store has it
      cursor.catchingUp = true;
      hold(cursor, d);
      catchUp(cursor);
      return;
    }
    send(cursor, d, frame);
  }

  private void hold(Cursor cursor, Delivery d) {
    if (cursor.held.size() < MAX_HELD) {
      cursor.held.add(d);
    } else {
      cursor.overflowed = true; // the store has them all: the catch-up reads on instead of holding more
    }
  }

  private void send(Cursor cursor, Delivery d, SharedFrame frame) {
    cursor.lastSeq = d.seq();
    cursor.gapCheck = true;
    if (d.id() >= offset) {
      offset = d.id();
      if (frame != null) {
        socket.sendShared(frame);
      } else {
        socket.sendFrame(d.frame());
      }
    } else {
      socket.sendEncoded(d.withOffset(offset));
    }
  }

  /** Sends a frame the loop's sessions share (presence), unless this session has ended. */
  void sendShared(SharedFrame frame) {
    if (!closed) {
      socket.sendShared(frame);
    }
  }

  /** Reads what the cursor misses from the store, page by page, then releases the held live deliveries. */
  private Future<Void> catchUp(Cursor cursor) {
    cursor.catchingUp = true;
    cursor.overflowed = false;
    return vertx.eventBus().<JsonObject>request(Addresses.MESSAGES_SINCE, new JsonObject()
        .put("roomId", cursor.room)
        .put("afterSeq", Math.max(0, cursor.lastSeq))
        .put("afterId", cursor.floorId)
        .put("limit", REPLAY_PAGE), REQUEST)
      .compose(reply -> {
        if (closed || rooms.get(cursor.room) != cursor) {
          return Future.succeededFuture();
        }
        JsonArray page = reply.body().getJsonArray("messages");
        for (int i = 0; i < page.size(); i++) {
          Delivery d = Delivery.of(page.getJsonObject(i).put("room", cursor.room));
          if (d.seq() > cursor.lastSeq) {
            send(cursor, d, null);
          }
        }
        if (reply.body().getBoolean("more") || cursor.overflowed) {
          return whenWritable().compose(v -> catchUp(cursor));
        }
        return release(cursor);
      }, e -> {
        if (!closed) {
          socket.emit("error", ErrorCode.of(e).toJson("cannot replay room " + cursor.room + ": "
            + ErrorCode.messageOf(e)).getJsonObject("error"));
        }
        cursor.catchingUp = false;
        cursor.held.clear();
        return Future.succeededFuture();
      });
  }

  private Future<Void> release(Cursor cursor) {
    List<Delivery> held = new ArrayList<>(cursor.held);
    cursor.held.clear();
    held.sort(Comparator.comparingLong(Delivery::seq));
    cursor.catchingUp = false;
    for (int i = 0; i < held.size(); i++) {
      Delivery d = held.get(i);
      if (d.seq() <= cursor.lastSeq || d.id() <= cursor.floorId) {
        continue;
      }
      if (cursor.gapCheck && d.seq() > cursor.lastSeq + 1) {
        cursor.catchingUp = true;
        cursor.held.addAll(held.subList(i, held.size()));
        return catchUp(cursor);
      }
      send(cursor, d, null);
    }
    return Future.succeededFuture();
  }

  private Future<Void> whenWritable() {
    if (!socket.engine().isBusy()) {
      return Future.succeededFuture();
    }
    return Future.future(p -> vertx.setTimer(20, t -> whenWritable().onComplete(p)));
  }

  void closed() {
    closed = true;
    rooms.values().forEach(fanout::remove);
  }
}
