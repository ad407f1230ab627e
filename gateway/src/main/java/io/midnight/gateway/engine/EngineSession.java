package io.midnight.gateway.engine;

import io.midnight.common.socketio.EnginePacket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One Engine.IO v4 session, over long-polling, WebSocket, or polling upgraded to WebSocket. Owns the heartbeat
 * (the server pings every pingInterval from the handshake; a pong later than pingTimeout closes the session) and
 * the bounded outbound queue: a session whose unwritten frames or bytes pass the bound is closed as a slow
 * consumer, so it never holds memory or time that other sessions need.
 *
 * <p>Not thread-safe: confined to the context it was created on; {@link EngineServer} hops there.
 */
public final class EngineSession {

  /** Why a session ended; {@code SLOW_CONSUMER} is counted in the stats. */
  public static final String SLOW_CONSUMER = "slow consumer";

  private final EngineServer server;
  private final EngineOptions options;
  private final String sid;
  private final Context context;
  private final MultiMap query;

  private ServerWebSocket ws;
  private ServerWebSocket probe;
  private HttpServerResponse pendingGet;
  private boolean postInFlight;
  private final ArrayDeque<EnginePacket> buffer = new ArrayDeque<>();
  private int backlogFrames;
  private long backlogBytes;
  private long timer = -1;
  private boolean awaitingPong;
  private String closedReason;
  private boolean notifyClient;
  private boolean draining;
  private boolean probed;

  private Handler<String> textHandler = t -> { };
  private Handler<Buffer> binaryHandler = b -> { };
  private Handler<String> closeHandler = r -> { };

  EngineSession(EngineServer server, String sid, Context context, MultiMap query) {
    this.server = server;
    this.options = server.options();
    this.sid = sid;
    this.context = context;
    this.query = query;
  }

  public String sid() {
    return sid;
  }

  public Context context() {
    return context;
  }

  /** The query string of the handshake request (e.g. {@code token}). */
  public MultiMap query() {
    return query;
  }

  public String transport() {
    return ws != null ? "websocket" : "polling";
  }

  public boolean isOpen() {
    return closedReason == null;
  }

  public void textHandler(Handler<String> handler) {
    this.textHandler = handler;
  }

  public void binaryHandler(Handler<Buffer> handler) {
    this.binaryHandler = handler;
  }

  /** Called once, with the reason, when the session ends for any cause. */
  public void closeHandler(Handler<String> handler) {
    this.closeHandler = handler;
  }

  /** True while the client is not keeping up; callers that stream (replays) wait until it is false. */
  public boolean isBusy() {
    return ws != null ? ws.isClosed() || ws.writeQueueFull()
      : backlogFrames > options.maxQueuedFrames() / 2 || backlogBytes > options.maxQueuedBytes() / 2;
  }

  // ---- sending ----

  /** Sends an Engine.IO message whose payload is {@code text} (a Socket.IO packet). */
  public void sendMessage(String text) {
    send(EnginePacket.message(text));
  }

  /**
   * Sends a whole Engine.IO text packet, already encoded ({@code 42[...]}): the fan-out builds one per delivery and
   * hands the same string to every WebSocket in the room.
   */
  public void sendFrame(String frame) {
    if (ws == null) {
      send(EnginePacket.decodeText(frame));
    } else if (closedReason == null && admit(frame.length())) {
      ws.writeTextMessage(frame);
    }
  }

  public void sendBinary(Buffer bytes) {
    send(EnginePacket.binary(bytes));
  }

  void send(EnginePacket packet) {
    if (closedReason != null || !admit(packet.isBinary() ? packet.binary().length() : packet.text().length() + 1)) {
      return;
    }
    if (ws != null) {
      write(ws, packet);
    } else {
      buffer.add(packet);
      flushPoll();
    }
  }

  /**
   * Counts a frame against the outbound bound. On polling the backlog is what waits for the next GET; on a
   * WebSocket it is what was written while the transport stayed full (Netty's high-water mark), reset as soon as
   * it has room again, so a client that keeps up never accumulates anything. Past either bound the session is
   * closed as a slow consumer and false is returned.
   */
  private boolean admit(long size) {
    if (ws != null && ws.isClosed()) {
      return false; // the peer has gone; our close handler has not run yet (asking writeQueueFull() would throw)
    }
    if (ws != null && !ws.writeQueueFull()) {
      backlogFrames = 0;
      backlogBytes = 0;
    }
    if (backlogFrames + 1 > options.maxQueuedFrames() || backlogBytes + size > options.maxQueuedBytes()) {
      server.countSlowConsumer();
      close(SLOW_CONSUMER + ": " + backlogFrames + " frames / " + backlogBytes + " bytes not yet written", true);
      return false;
    }
    backlogFrames++;
    backlogBytes += size;
    return true;
  }

  private static void write(ServerWebSocket socket, EnginePacket packet) {
    if (packet.isBinary()) {
      socket.writeBinaryMessage(packet.binary());
    } else {
      socket.writeTextMessage(packet.encodeText());
    }
  }

  private void flushPoll() {
    if (pendingGet == null || buffer.isEmpty()) {
      return;
    }
    List<EnginePacket> packets = List.copyOf(buffer);
    buffer.clear();
    backlogFrames = 0;
    backlogBytes = 0;
    respondPoll(EnginePacket.encodePayload(packets));
  }

  private void respondPoll(String body) {
    HttpServerResponse response = pendingGet;
    pendingGet = null;
    if (!response.ended() && !response.closed()) {
      response.putHeader("Content-Type", "text/plain; charset=UTF-8").end(body);
    }
  }

  // ---- heartbeat ----

  void startHeartbeat() {
    schedulePing();
  }

  private void schedulePing() {
    cancelTimer();
    timer = server.vertx().setTimer(options.pingInterval(), id -> {
      timer = -1;
      awaitingPong = true;
      send(EnginePacket.of(EnginePacket.PING));
      timer = server.vertx().setTimer(options.pingTimeout(), t -> {
        timer = -1;
        if (awaitingPong) {
          close("ping timeout", false);
        }
      });
    });
  }

  private void cancelTimer() {
    if (timer >= 0) {
      server.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  // ---- receiving ----

  void onPacket(EnginePacket packet) {
    if (closedReason != null) {
      return;
    }
    switch (packet.type()) {
      case EnginePacket.PONG -> {
        awaitingPong = false;
        schedulePing();
      }
      case EnginePacket.PING -> send(EnginePacket.of(EnginePacket.PONG, packet.text()));
      case EnginePacket.MESSAGE -> {
        if (packet.isBinary()) {
          binaryHandler.handle(packet.binary());
        } else {
          textHandler.handle(packet.text());
        }
      }
      case EnginePacket.CLOSE -> close("client close", false);
      case EnginePacket.NOOP -> { }
      default -> close("parse error: unexpected Engine.IO packet type " + packet.type(), false);
    }
  }

  // ---- transports ----

  /** A long-polling GET: answered now when packets wait, else held until there are some. */
  void onPollGet(HttpServerResponse response) {
    if (draining) {
      pendingGet = response;
      flushPoll();
      finish();
      return;
    }
    if (pendingGet != null) {
      EngineServer.badRequest(response, 3, "Bad request");
      close("overlapping polling GET requests", false);
      return;
    }
    pendingGet = response;
    response.closeHandler(v -> {
      if (pendingGet == response) {
        pendingGet = null;
        close("transport close: polling connection closed", false);
      }
    });
    if (probed) {
      releasePollForUpgrade();
    } else {
      flushPoll();
    }
  }

  /** While upgrading, a held GET is answered at once (noop if nothing waits) so the client can pause polling. */
  private void releasePollForUpgrade() {
    if (pendingGet != null && buffer.isEmpty()) {
      respondPoll(EnginePacket.encodePayload(List.of(EnginePacket.of(EnginePacket.NOOP))));
    } else {
      flushPoll();
    }
  }

  /**
   * A long-polling POST, marked in flight from its arrival until its body was handled, so that a second POST
   * meanwhile is refused (and closes the session); answers {@code ok} once every packet in it was handled.
   */
  void onPollPost(HttpServerResponse response, Future<Buffer> body) {
    if (postInFlight) {
      EngineServer.badRequest(response, 3, "Bad request");
      close("overlapping polling POST requests", false);
      return;
    }
    postInFlight = true;
    body.onComplete(ar -> EngineServer.onContext(context, () -> {
      postInFlight = false;
      if (ar.failed()) {
        EngineServer.badRequest(response, 3, "Bad request");
      } else if (ar.result().length() > options.maxPayload()) {
        rejectTooLarge(response);
      } else {
        handlePost(response, ar.result());
      }
    }));
  }

  private void handlePost(HttpServerResponse response, Buffer body) {
    List<EnginePacket> packets;
    try {
      packets = EnginePacket.decodePayload(body.toString());
    } catch (IllegalArgumentException e) {
      EngineServer.badRequest(response, 3, "Bad request");
      close("parse error: " + e.getMessage(), false);
      return;
    }
    packets.forEach(this::onPacket);
    response.putHeader("Content-Type", "text/html").end("ok");
  }

  /** A POST over maxPayload: 413, and the session ends (the official server does the same). */
  void rejectTooLarge(HttpServerResponse response) {
    response.setStatusCode(413).putHeader("Connection", "close").end();
    close("payload larger than maxPayload", false);
  }

  boolean acceptsPolling() {
    return ws == null;
  }

  /** A WebSocket for a new session: every packet flows on it from the start. */
  void attachWebSocket(ServerWebSocket socket) {
    ws = socket;
    listen(socket);
  }

  /** A WebSocket asking to upgrade this polling session: {@code 2probe}, {@code 3probe}, then {@code 5}. */
  void upgrade(ServerWebSocket socket) {
    if (ws != null || probe != null) {
      socket.close((short) 1008, "this session already has a WebSocket");
      return;
    }
    probe = socket;
    long upgradeTimer = server.vertx().setTimer(10_000, t -> {
      if (probe == socket) {
        probe = null;
        socket.close((short) 1008, "upgrade timeout");
      }
    });
    socket.textMessageHandler(text -> {
      if (probe != socket) {
        return;
      }
      if ("2probe".equals(text)) {
        socket.writeTextMessage("3probe");
        probed = true;
        releasePollForUpgrade();
      } else if ("5".equals(text)) {
        server.vertx().cancelTimer(upgradeTimer);
        probe = null;
        probed = false;
        completeUpgrade(socket);
      } else {
        probe = null;
        probed = false;
        socket.close((short) 1008, "invalid upgrade");
      }
    });
    socket.closeHandler(v -> {
      if (probe == socket) {
        probe = null;
        probed = false;
      }
    });
  }

  private void completeUpgrade(ServerWebSocket socket) {
    if (pendingGet != null) {
      respondPoll(EnginePacket.encodePayload(List.of(EnginePacket.of(EnginePacket.NOOP))));
    }
    ws = socket;
    listen(socket);
    buffer.forEach(p -> write(socket, p));
    buffer.clear();
    backlogFrames = 0;
    backlogBytes = 0;
  }

  private void listen(ServerWebSocket socket) {
    socket.textMessageHandler(text -> {
      EnginePacket packet;
      try {
        packet = EnginePacket.decodeText(text);
      } catch (IllegalArgumentException e) {
        close("parse error: " + e.getMessage(), false);
        return;
      }
      onPacket(packet);
    });
    socket.binaryMessageHandler(bytes -> onPacket(EnginePacket.binary(bytes)));
    socket.closeHandler(v -> close("transport close", false));
    socket.exceptionHandler(e -> close("transport error: " + e.getMessage(), false));
  }

  // ---- closing ----

  /**
   * Ends the session. {@code notify}: tell the client first (a close packet on polling, a close frame with the
   * reason on WebSocket); otherwise just drop the transport.
   */
  public void close(String reason, boolean notify) {
    if (closedReason != null) {
      return;
    }
    closedReason = reason;
    notifyClient = notify;
    cancelTimer();
    if (probe != null) {
      probe.close();
      probe = null;
    }
    if (ws == null && notify) {
      // polling: what is queued, then the close packet, goes out with the next GET (or the one held now)
      buffer.add(EnginePacket.of(EnginePacket.CLOSE));
      if (pendingGet == null) {
        draining = true;
        timer = server.vertx().setTimer(options.pingTimeout(), t -> finish());
        return;
      }
      flushPoll();
    }
    finish();
  }

  private void finish() {
    cancelTimer();
    draining = false;
    server.remove(this);
    if (pendingGet != null) {
      respondPoll("");
    }
    buffer.clear();
    if (ws != null && !ws.isClosed()) {
      if (notifyClient) {
        ws.writeTextMessage(EnginePacket.of(EnginePacket.CLOSE).encodeText());
      }
      ws.close((short) (closedReason.startsWith(SLOW_CONSUMER) ? 1008 : 1000), truncate(closedReason));
    }
    closeHandler.handle(closedReason);
  }

  /** WebSocket close reasons are limited to 123 bytes. */
  private static String truncate(String reason) {
    return reason.length() > 100 ? reason.substring(0, 100) : reason;
  }
}
