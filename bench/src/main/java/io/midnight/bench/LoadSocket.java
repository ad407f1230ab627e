package io.midnight.bench;

import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One simulated user's Socket.IO connection: its token and room, the next ack id, and every message still waiting
 * for its ack (by ack id). Used only on its load client's event loop.
 */
final class LoadSocket {

  /** A message in flight: its number in the step and its intended send time. */
  static final class Pending {
    final int step;
    final int number;
    final long intendedNanos;

    Pending(int step, int number, long intendedNanos) {
      this.step = step;
      this.number = number;
      this.intendedNanos = intendedNanos;
    }
  }

  final String name;
  final String token;
  final int room;
  final int roomMembers;
  final Promise<Void> joined = Promise.promise();
  final Map<Integer, Pending> pending = new HashMap<>();
  WebSocket ws;
  /** Messages of the current step not settled yet, including those waiting to be resent. */
  int inFlight;
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

  /**
   * Sends (or resends) a message under a fresh ack id; its clientMsgId depends only on the socket, step and
   * number, so a retry carries the same one and the server can tell it from a new message.
   */
  void send(Pending message) {
    int id = nextAck++;
    pending.put(id, message);
    ws.writeTextMessage(BenchText.message(id, room, message.step, message.intendedNanos, message.number,
      name + "-" + message.step + "-" + message.number));
  }
}
