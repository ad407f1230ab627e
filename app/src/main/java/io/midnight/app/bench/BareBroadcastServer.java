package io.midnight.app.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fan-out ceiling: a bare Vert.x WebSocket broadcast server on one event loop (like Midnight's gateway), with
 * no storage, no auth and no bus. It speaks just enough Engine.IO v4 / Socket.IO v5 for the bench: the open
 * packet, {@code 40} answered with {@code 40{"sid":..}}, {@code join} acked with the room, and {@code message}
 * acked with {@code {id, seq, ts}} and then written as {@code 42["message",{...}]} to every socket in the room.
 */
public final class BareBroadcastServer extends VerticleBase {

  private static final String OPEN = "0{\"sid\":\"bare\",\"upgrades\":[],\"pingInterval\":25000,"
    + "\"pingTimeout\":20000,\"maxPayload\":1000000}";

  private final Map<Integer, Room> rooms = new HashMap<>();
  private HttpServer server;
  private long nextId;
  private long nextSid;

  private static final class Room {
    final List<ServerWebSocket> sockets = new ArrayList<>();
    long lastSeq;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
      .webSocketHandler(this::accept);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void accept(ServerWebSocket ws) {
    if (!"/socket.io/".equals(ws.path())) {
      ws.close((short) 1008, "unknown path");
      return;
    }
    String from = from(ws.query());
    List<Room> joined = new ArrayList<>();
    ws.textMessageHandler(text -> onText(ws, from, joined, text));
    ws.closeHandler(v -> joined.forEach(room -> room.sockets.remove(ws)));
    ws.writeTextMessage(OPEN);
  }

  private void onText(ServerWebSocket ws, String from, List<Room> joined, String text) {
    if (text.startsWith("40")) {
      ws.writeTextMessage("40{\"sid\":\"x" + (++nextSid) + "\"}");
    } else if (text.startsWith("42")) {
      int p = 2;
      while (p < text.length() && Character.isDigit(text.charAt(p))) {
        p++;
      }
      String ackId = text.substring(2, p);
      try {
        JsonArray event = new JsonArray(text.substring(p));
        onEvent(ws, from, joined, ackId, event.getString(0), event.getJsonObject(1));
      } catch (DecodeException | ClassCastException | IndexOutOfBoundsException e) {
        ack(ws, ackId, error("invalid_request", "malformed event"));
      }
    }
  }

  private void onEvent(ServerWebSocket ws, String from, List<Room> joined, String ackId, String name, JsonObject data) {
    Integer roomId = data == null ? null : data.getInteger("room");
    if (roomId == null) {
      ack(ws, ackId, error("invalid_request", "room is required"));
      return;
    }
    Room room = rooms.computeIfAbsent(roomId, id -> new Room());
    if ("join".equals(name)) {
      if (!joined.contains(room)) {
        joined.add(room);
        room.sockets.add(ws);
      }
      ack(ws, ackId, new JsonObject().put("id", roomId).put("name", "room " + roomId)
        .put("members", room.sockets.size()).put("lastSeq", room.lastSeq));
    } else if ("message".equals(name)) {
      if (!joined.contains(room)) {
        ack(ws, ackId, error("not_member", "join the room first"));
        return;
      }
      long id = ++nextId;
      long seq = ++room.lastSeq;
      long ts = System.currentTimeMillis();
      ack(ws, ackId, new JsonObject().put("id", id).put("seq", seq).put("ts", ts));
      String delivery = "42[\"message\"," + new JsonObject().put("id", id).put("room", roomId).put("seq", seq)
        .put("from", from).put("text", data.getString("text")).put("ts", ts).encode() + "]";
      for (ServerWebSocket member : room.sockets) {
        member.writeTextMessage(delivery);
      }
    } else {
      ack(ws, ackId, error("invalid_request", "unknown event"));
    }
  }

  private static void ack(ServerWebSocket ws, String ackId, JsonObject body) {
    if (!ackId.isEmpty()) {
      ws.writeTextMessage("43" + ackId + "[" + body.encode() + "]");
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
