package io.midnight.gateway.chat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Socket.IO client over a real WebSocket, just enough for the gateway's tests: it connects to the default
 * namespace with a token, answers pings, sends events with an ack id and records every event it receives (the
 * whole argument array, so an offset or its absence can be checked).
 */
final class TestSocket {

  /** Each received event: {@code [name, args...]}, in arrival order. */
  final List<JsonArray> events = new CopyOnWriteArrayList<>();
  private final Map<Long, Promise<JsonArray>> acks = new ConcurrentHashMap<>();
  private final AtomicLong nextAck = new AtomicLong();
  private final Promise<JsonObject> connected = Promise.promise();
  private final ClientWebSocket ws;
  private final WebSocketClient client;

  private TestSocket(Vertx vertx, int receiveBufferSize) {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(2_000_000)
      .setMaxMessageSize(2_000_000);
    if (receiveBufferSize > 0) {
      options.setReceiveBufferSize(receiveBufferSize);
    }
    client = vertx.createWebSocketClient(options);
    ws = client.webSocket();
    ws.textMessageHandler(this::frame);
  }

  /** Connects and signs in; completes once the namespace accepted the token. */
  static TestSocket connect(Vertx vertx, int port, String token) {
    return connect(vertx, port, token, 0);
  }

  static TestSocket connect(Vertx vertx, int port, String token, int receiveBufferSize) {
    TestSocket socket = new TestSocket(vertx, receiveBufferSize);
    socket.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/socket.io/?EIO=4&transport=websocket&token=" + token)).await();
    socket.connected.future().await();
    return socket;
  }

  private void frame(String frame) {
    if (frame.startsWith("0{")) {
      ws.writeTextMessage("40");
    } else if (frame.startsWith("40")) {
      connected.tryComplete(new JsonObject(frame.substring(2)));
    } else if (frame.startsWith("44")) {
      connected.tryFail(frame);
    } else if (frame.equals("2")) {
      ws.writeTextMessage("3");
    } else if (frame.startsWith("42")) {
      events.add(new JsonArray(frame.substring(2)));
    } else if (frame.startsWith("43")) {
      int bracket = frame.indexOf('[');
      Promise<JsonArray> ack = acks.remove(Long.parseLong(frame.substring(2, bracket)));
      if (ack != null) {
        ack.complete(new JsonArray(frame.substring(bracket)));
      }
    }
  }

  /** Emits {@code event} with one argument; the future gets the ack's arguments. */
  Future<JsonArray> emit(String event, JsonObject argument) {
    long id = nextAck.getAndIncrement();
    Promise<JsonArray> ack = Promise.promise();
    acks.put(id, ack);
    ws.writeTextMessage("42" + id + new JsonArray().add(event).add(argument).encode());
    return ack.future();
  }

  /** Emits and waits for the ack's first argument. */
  JsonObject request(String event, JsonObject argument) {
    return emit(event, argument).await().getJsonObject(0);
  }

  List<JsonArray> events(String name) {
    return events.stream().filter(e -> e.getString(0).equals(name)).toList();
  }

  /** The seqs of the messages received for {@code room}, in arrival order. */
  List<Long> seqs(long room) {
    return events("message").stream().map(e -> e.getJsonObject(1)).filter(m -> m.getLong("room") == room)
      .map(m -> m.getLong("seq")).toList();
  }

  /** The {@code online} counts announced for {@code room}, in arrival order. */
  List<Integer> online(long room) {
    return events("presence").stream().map(e -> e.getJsonObject(1)).filter(p -> p.getLong("room") == room)
      .map(p -> p.getInteger("online")).toList();
  }

  /** Stops reading: what the server writes stays in the kernel's buffers, then in its own queue. */
  void pause() {
    ws.pause();
  }

  boolean isClosed() {
    return ws.isClosed();
  }

  void close() {
    ws.resume(); // a paused socket would not read the close handshake's answer, and closing would wait for it
    if (!ws.isClosed()) {
      ws.close();
    }
    client.close();
  }
}
