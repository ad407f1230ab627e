package io.midnight.bench;

import io.midnight.common.socketio.EnginePacket;
import io.midnight.common.socketio.EventFrames;
import io.midnight.common.socketio.SocketIoPacket;
import io.midnight.gateway.engine.LoopFlusher;
import io.midnight.gateway.engine.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fan-out ceiling: a bare Vert.x WebSocket broadcast server with no storage, no auth and no bus, deployed
 * once per event loop on a shared port ({@code midnight bench bare-server}). Each instance keeps its own sockets
 * per room; a message is acked on the sender's loop, then handed to every instance with members in the room,
 * which encodes the delivery's WebSocket frame once and writes the same bytes to each of its sockets' channels,
 * without a promise, flushing each socket once per loop turn: the best write path we know, so that the ceiling is
 * one (Midnight's gateway writes the same way, {@link WebSocketFrames}). It speaks just enough
 * Engine.IO v4 / Socket.IO v5 for the bench: the open packet, {@code 40} answered with {@code 40{"sid":..}},
 * {@code join} acked with the room, and {@code message} acked with {@code {id, seq, ts}} and then written as
 * {@code 42["message",{...}]} to every socket in the room; {@code GET /health} answers 200.
 */
public final class BareBroadcastServer extends VerticleBase {

  private static final String OPEN = EnginePacket.of(EnginePacket.OPEN, new JsonObject().put("sid", "bare")
    .put("upgrades", new JsonArray()).put("pingInterval", 25000).put("pingTimeout", 20000).put("maxPayload", 1000000)
    .encode()).encodeText();

  /** An event of the default namespace, with or without an ack id: {@code 42}. */
  private static final String EVENT = String.valueOf(EnginePacket.MESSAGE) + SocketIoPacket.EVENT;

  private final BareRooms shared;
  private final int port;
  private final Map<Integer, List<Member>> members = new HashMap<>();
  private LoopFlusher flusher;
  private HttpServer server;
  private long nextSid;

  public BareBroadcastServer(BareRooms shared, int port) {
    this.shared = shared;
    this.port = port;
  }

  /** A socket of this loop, and whether it waits for the end-of-turn flush. */
  private final class Member {
    final ServerWebSocket ws;
    final ChannelHandlerContext channel;
    final Runnable flushTask = this::flush;
    boolean flushScheduled;

    Member(ServerWebSocket ws) {
      this.ws = ws;
      this.channel = ((WebSocketInternal) ws).channelHandlerContext();
    }

    void write(ByteBuf frame) {
      channel.write(frame.retainedDuplicate(), channel.voidPromise());
      if (!flushScheduled) {
        flushScheduled = true;
        flusher.schedule(flushTask);
      }
    }

    void flush() {
      flushScheduled = false;
      channel.flush();
    }
  }

  @Override
  public Future<?> start() {
    flusher = new LoopFlusher(context);
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
      .webSocketHandler(this::accept).requestHandler(this::http);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  private void http(HttpServerRequest request) {
    boolean health = "/health".equals(request.path());
    request.response().setStatusCode(health ? 200 : 404).putHeader("Content-Type", "application/json")
      .end(health ? "{\"status\":\"up\",\"server\":\"bare\"}" : "{\"error\":{\"code\":\"not_found\"}}");
  }

  private void accept(ServerWebSocket ws) {
    if (!"/socket.io/".equals(ws.path())) {
      ws.close((short) 1008, "unknown path");
      return;
    }
    String from = from(ws.query());
    List<Integer> joined = new ArrayList<>();
    Member member = new Member(ws);
    ws.textMessageHandler(text -> onText(member, from, joined, text));
    ws.closeHandler(v -> joined.forEach(room -> leave(room, member)));
    ws.writeTextMessage(OPEN);
  }

  private void onText(Member member, String from, List<Integer> joined, String text) {
    ServerWebSocket ws = member.ws;
    if (text.equals(EventFrames.CONNECT)) {
      ws.writeTextMessage(EventFrames.connected(Integer.toHexString(System.identityHashCode(this)) + "-" + (++nextSid)));
    } else if (text.equals(EventFrames.PING)) {
      ws.writeTextMessage(EventFrames.PONG);
    } else if (text.startsWith(EVENT)) {
      long ackId = -1;
      try {
        SocketIoPacket event = SocketIoPacket.decode(text.substring(1));
        ackId = event.ackId();
        onEvent(member, from, joined, ackId, event.eventName(), event.args().getJsonObject(0));
      } catch (RuntimeException e) {
        ack(ws, ackId, error("invalid_request", "malformed event"));
      }
    }
  }

  private void onEvent(Member member, String from, List<Integer> joined, long ackId, String name,
                       JsonObject data) {
    ServerWebSocket ws = member.ws;
    Integer roomId = data == null ? null : data.getInteger("room");
    if (roomId == null) {
      ack(ws, ackId, error("invalid_request", "room is required"));
      return;
    }
    BareRooms.Room room = shared.room(roomId);
    if ("join".equals(name)) {
      if (!joined.contains(roomId)) {
        joined.add(roomId);
        members.computeIfAbsent(roomId, id -> new ArrayList<>()).add(member);
        room.loops.addIfAbsent(this);
      }
      ack(ws, ackId, new JsonObject().put("id", roomId).put("name", "room " + roomId)
        .put("lastSeq", room.lastSeq.get()));
    } else if ("message".equals(name)) {
      if (!joined.contains(roomId)) {
        ack(ws, ackId, error("not_member", "join the room first"));
        return;
      }
      long id = shared.ids.incrementAndGet();
      long seq = room.lastSeq.incrementAndGet();
      long ts = System.currentTimeMillis();
      ack(ws, ackId, new JsonObject().put("id", id).put("seq", seq).put("ts", ts));
      String delivery = EventFrames.engine(EventFrames.withoutOffset(EventFrames.prefix("message", new JsonObject()
        .put("id", id).put("room", roomId).put("seq", seq).put("from", from).put("text", data.getString("text"))
        .put("ts", ts))));
      for (BareBroadcastServer loop : room.loops) {
        if (loop == this) {
          deliver(roomId, delivery);
        } else {
          loop.context.runOnContext(v -> loop.deliver(roomId, delivery));
        }
      }
    } else {
      ack(ws, ackId, error("invalid_request", "unknown event"));
    }
  }

  /**
   * On this instance's loop: the frame's bytes once, a retained duplicate (no copy) written to each socket, each
   * flushed once at the end of the turn ({@link LoopFlusher}, as the gateway does).
   */
  private void deliver(int roomId, String delivery) {
    List<Member> here = members.get(roomId);
    if (here == null || here.isEmpty()) {
      return;
    }
    ByteBuf frame = WebSocketFrames.text(delivery);
    try {
      for (Member member : here) {
        if (member.channel.channel().isActive()) {
          member.write(frame);
        }
      }
    } finally {
      frame.release();
    }
  }

  private void leave(int roomId, Member member) {
    List<Member> here = members.get(roomId);
    if (here != null && here.remove(member) && here.isEmpty()) {
      members.remove(roomId);
      shared.room(roomId).loops.remove(this);
    }
  }

  private static void ack(ServerWebSocket ws, long ackId, JsonObject body) {
    if (ackId >= 0) {
      ws.writeTextMessage(EventFrames.ack(ackId, body));
    }
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
  }

  private static String from(String query) {
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("token=")) {
          return pair.substring("token=".length());
        }
      }
    }
    return "anonymous";
  }
}
