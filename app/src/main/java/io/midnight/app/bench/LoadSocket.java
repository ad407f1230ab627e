package io.midnight.app.bench;

import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One simulated user's Socket.IO connection: its token and room, the next ack id, and the intended send time of
 * every message still waiting for its ack. Used only on its load client's event loop.
 */
final class LoadSocket {

  final String name;
  final String token;
  final int room;
  final int roomMembers;
  final Promise<Void> joined = Promise.promise();
  final Map<Integer, Long> pending = new HashMap<>();
  WebSocket ws;
  private int nextAck = 1;

  LoadSocket(String name, String token, int room, int roomMembers) {
    this.name = name;
    this.token = token;
    this.room = room;
    this.roomMembers = roomMembers;
  }

  String uri() {
    return "/socket.io/?EIO=4&transport=websocket&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  boolean writable() {
    return ws != null && !ws.isClosed() && !ws.writeQueueFull() && joined.future().succeeded();
  }

  /** Sends one bench message with a fresh ack id (which also makes the unique clientMsgId). */
  void send(int step, long intendedNanos) {
    int id = nextAck++;
    pending.put(id, intendedNanos);
    ws.writeTextMessage(Frames.message(id, room, step, intendedNanos, name + "-" + id));
  }
}
