package io.midnight.loadtest;

import io.midnight.common.socketio.SocketIoPacket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal Socket.IO chat server for the load tool's tests (a "plain" target: no Midnight API): it joins anyone,
 * and answers the first send of each clientMsgId as told ({@link #refuseFirst}), every later one with the seq of
 * the first store, fanning stored messages out to the room. Records every send it saw, with its arrival time.
 * Confined to its event loop, apart from {@link #sends()} (synchronized).
 */
final class FakeChatServer implements AutoCloseable {

  /** One {@code message} event as it arrived. */
  record Send(String clientMsgId, long atNanos) {
  }

  private final Vertx vertx;
  private final HttpServer server;
  /** A JSON error for the first send of each clientMsgId, or null to store it at once. */
  private final JsonObject refuseFirst;
  private final long ackDelayMillis;
  private final List<Send> sends = new ArrayList<>();
  private final Set<String> seenOnce = new HashSet<>();
  private final Map<String, Long> stored = new HashMap<>();
  private final Map<Long, List<ServerWebSocket>> members = new HashMap<>();
  private final Map<Long, Long> lastSeq = new HashMap<>();
  private final Set<ServerWebSocket> joinRefused = new HashSet<>();
  private volatile JsonObject refuseFirstJoin;

  /** {@code refuseFirst}: the error that answers each message's first send (null: none); acks wait {@code ackDelayMillis}. */
  FakeChatServer(Vertx vertx, JsonObject refuseFirst, long ackDelayMillis) {
    this.vertx = vertx;
    this.refuseFirst = refuseFirst;
    this.ackDelayMillis = ackDelayMillis;
    this.server = vertx.createHttpServer()
      .requestHandler(req -> req.response().setStatusCode(404).end())
      .webSocketHandler(this::onSocket)
      .listen(0, "127.0.0.1").await();
  }

  /** Answers each socket's first join with {@code error} (a busy server), the next as usual. */
  FakeChatServer refuseFirstJoin(JsonObject error) {
    this.refuseFirstJoin = error;
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  synchronized List<Send> sends() {
    return List.copyOf(sends);
  }

  private void onSocket(ServerWebSocket ws) {
    ws.writeTextMessage("0{\"sid\":\"fake\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
      + "\"maxPayload\":1000000}");
    ws.textMessageHandler(frame -> {
      if (frame.equals("40")) {
        ws.writeTextMessage("40{\"sid\":\"s\"}");
      } else if (frame.startsWith("42")) {
        SocketIoPacket packet = SocketIoPacket.decode(frame.substring(1));
        JsonObject body = packet.args().getJsonObject(0);
        if (packet.eventName().equals("join") && refuseFirstJoin != null && joinRefused.add(ws)) {
          ack(ws, packet.ackId(), new JsonObject().put("error", refuseFirstJoin.copy()));
        } else if (packet.eventName().equals("join")) {
          members.computeIfAbsent(body.getLong("room"), r -> new ArrayList<>()).add(ws);
          ack(ws, packet.ackId(), new JsonObject().put("room", body.getLong("room")));
        } else {
          onMessage(ws, packet.ackId(), body);
        }
      }
    });
    ws.closeHandler(v -> members.values().forEach(list -> list.remove(ws)));
  }

  private void onMessage(ServerWebSocket ws, long ackId, JsonObject body) {
    String id = body.getString("clientMsgId");
    synchronized (this) {
      sends.add(new Send(id, System.nanoTime()));
    }
    if (refuseFirst != null && seenOnce.add(id)) {
      ack(ws, ackId, new JsonObject().put("error", refuseFirst.copy()));
      return;
    }
    vertx.setTimer(Math.max(1, ackDelayMillis), t -> {
      Long at = stored.get(id);
      if (at == null) { // a retry of a stored message is answered with its first seq and stores nothing
        at = lastSeq.merge(body.getLong("room"), 1L, Long::sum);
        stored.put(id, at);
        String delivery = "42" + new JsonArray().add("message").add(new JsonObject().put("room", body.getLong("room"))
          .put("seq", at).put("text", body.getString("text"))).encode();
        members.getOrDefault(body.getLong("room"), List.of()).forEach(member -> member.writeTextMessage(delivery));
      }
      ack(ws, ackId, new JsonObject().put("seq", at));
    });
  }

  private static void ack(ServerWebSocket ws, long ackId, JsonObject answer) {
    ws.writeTextMessage("43" + ackId + new JsonArray().add(answer).encode());
  }

  @Override
  public void close() {
    server.close().await();
  }
}
