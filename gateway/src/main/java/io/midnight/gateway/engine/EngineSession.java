package io.midnight.gateway.engine;

import io.midnight.common.socketio.EnginePacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One Engine.IO v4 session, over long-polling, WebSocket, or polling upgraded to WebSocket. Owns the heartbeat
 * (the server pings every pingInterval from the handshake; a pong later than pingTimeout closes the session) and
 * the bounded outbound queue: a session whose unwritten frames or bytes pass the bound is closed as a slow
 * consumer, so it never holds memory or time that other sessions need.
 *
 * <p>WebSocket frames are written as bytes straight to the connection's channel ({@link WebSocketFrames}), with no
 * promise per write, and flushed once per event-loop turn ({@link LoopFlusher}); a frame shared by a room is
 * encoded once and its bytes written to every socket ({@link SharedFrame}). Every text and binary frame takes that
 * one path, so frames leave in the order they were sent.
 *
 * <p>Not thread-safe: confined to the context it was created on; {@link EngineServer} hops there. Its transports
 * may live on another event loop (a polling request or an upgrade that reached another gateway instance): what
 * they receive hops to the session's context, and what the session writes to them is handed to theirs.
 */
public final class EngineSession {

  /** Why a session ended; {@code SLOW_CONSUMER} is counted in the stats. */
  public static final String SLOW_CONSUMER = "slow consumer";
  private static final String CLIENT_CLOSE = "client close";

  private final EngineServer server;
  private final EngineOptions options;
  private final String sid;
  private final Context context;
  private final LoopFlusher flusher;
  private final Runnable flushTask = this::flush;
  private final MultiMap query;

  private ServerWebSocket ws;
  private Context wsContext;
  private ChannelHandlerContext wsChannel;
  private boolean flushScheduled;
  private ServerWebSocket probe;
  private Context probeContext;
  private long probeTimer;
  private PollResponse pendingGet;
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

  EngineSession(EngineServer server, String sid, Context context, LoopFlusher flusher, MultiMap query) {
    this.server = server;
    this.options = server.options();
    this.sid = sid;
    this.context = context;
    this.flusher = flusher;
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
    return ws != null ? !wsChannel.channel().isActive() || !wsChannel.channel().isWritable()
      : backlogFrames > options.maxQueuedFrames() / 2 || backlogBytes > options.maxQueuedBytes() / 2;
  }

  // ---- sending ----

  /** Sends an Engine.IO message whose payload is {@code text} (a Socket.IO packet). */
  public void sendMessage(String text) {
    send(EnginePacket.message(text));
  }

  /** Sends a whole Engine.IO text packet, already encoded ({@code 42[...]}). */
  public void sendFrame(String frame) {
    if (ws == null) {
      send(EnginePacket.decodeText(frame));
    } else if (closedReason == null && admit(frame.length())) {
      writeWs(WebSocketFrames.text(frame));
    }
  }

  /** Sends a packet shared by many sessions of this event loop: on a WebSocket, its bytes as they are. */
  public void sendShared(SharedFrame frame) {
    if (ws == null) {
      send(EnginePacket.decodeText(frame.text()));
    } else if (closedReason == null && admit(frame.text().length())) {
      writeWs(frame.bytes().retainedDuplicate());
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
      writeWs(encode(packet));
    } else {
      buffer.add(packet);
      flushPoll();
    }
  }

  private static ByteBuf encode(EnginePacket packet) {
    return packet.isBinary() ? WebSocketFrames.binary(packet.binary().getBytes())
      : WebSocketFrames.text(packet.encodeText());
  }

  /**
   * Writes a frame without a flush or a promise. On the session's own loop the flush comes at the end of the turn;
   * a WebSocket on another loop gets the write and its flush as one task there (Netty keeps their order).
   */
  private void writeWs(ByteBuf frame) {
    if (wsContext != context) {
      wsChannel.writeAndFlush(frame, wsChannel.voidPromise());
      return;
    }
    wsChannel.write(frame, wsChannel.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      flusher.schedule(flushTask);
    }
  }

  void flush() {
    flushScheduled = false;
    wsChannel.flush();
  }

  /**
   * Counts a frame against the outbound bound. On polling the backlog is what waits for the next GET; on a
   * WebSocket it is what was written while the transport stayed full (Netty's high-water mark), reset as soon as
   * it has room again, so a client that keeps up never accumulates anything. Past either bound the session is
   * closed as a slow consumer and false is returned.
   *
   * <p>Writes are flushed once per loop iteration, so a burst (a hot room at midnight) can pass the high-water mark
   * with this iteration's own unflushed frames while the client reads at once: those are handed to the socket first
   * ({@code flush}; cheap while the socket is full, epoll then waits for it), and only what still does not fit
   * counts.
   */
  private boolean admit(long size) {
    if (ws != null && !wsChannel.channel().isActive()) {
      return false; // the peer has gone; our close handler has not run yet
    }
    if (ws != null && !wsChannel.channel().isWritable() && wsContext == context) {
      wsChannel.flush();
    }
    if (ws != null && wsChannel.channel().isWritable()) {
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
    PollResponse response = pendingGet;
    pendingGet = null;
    response.end("text/plain; charset=UTF-8", body);
  }

  // ---- heartbeat ----

  void startHeartbeat() {
    schedulePing();
  }

  private void schedulePing() {
    cancelTimer();
    timer = vertx().setTimer(options.pingInterval(), id -> {
      timer = -1;
      awaitingPong = true;
      send(EnginePacket.of(EnginePacket.PING));
      timer = vertx().setTimer(options.pingTimeout(), t -> {
        timer = -1;
        if (awaitingPong) {
          close("ping timeout", false);
        }
      });
    });
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  private Vertx vertx() {
    return server.vertx();
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
      case EnginePacket.CLOSE -> close(CLIENT_CLOSE, false);
      case EnginePacket.NOOP -> { }
      default -> close("parse error: unexpected Engine.IO packet type " + packet.type(), false);
    }
  }

  // ---- transports ----

  /** A long-polling GET: answered now when packets wait, else held until there are some. */
  void onPollGet(PollResponse response) {
    if (draining) {
      pendingGet = response;
      flushPoll();
      finish();
      return;
    }
    if (pendingGet != null) {
      response.badRequest(3, "Bad request");
      close("overlapping polling GET requests", false);
      return;
    }
    pendingGet = response;
    response.onClose(context, () -> {
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
  void onPollPost(PollResponse response, Future<Buffer> body) {
    if (postInFlight) {
      response.badRequest(3, "Bad request");
      close("overlapping polling POST requests", false);
      return;
    }
    postInFlight = true;
    body.onComplete(ar -> EngineServer.onContext(context, () -> {
      postInFlight = false;
      if (ar.failed() && ar.cause() instanceof BoundedBody.TooLarge) {
        rejectTooLarge(response);
      } else if (ar.failed()) {
        response.badRequest(3, "Bad request");
      } else {
        handlePost(response, ar.result());
      }
    }));
  }

  private void handlePost(PollResponse response, Buffer body) {
    List<EnginePacket> packets;
    try {
      packets = EnginePacket.decodePayload(body.toString());
    } catch (IllegalArgumentException e) {
      response.badRequest(3, "Bad request");
      close("parse error: " + e.getMessage(), false);
      return;
    }
    packets.forEach(this::onPacket);
    response.end("text/html", "ok");
  }

  /** A POST over maxPayload: 413, and the session ends (the official server does the same). */
  void rejectTooLarge(PollResponse response) {
    response.tooLarge();
    close("payload larger than maxPayload", false);
  }

  boolean acceptsPolling() {
    return ws == null;
  }

  /** A WebSocket for a new session, on this session's loop: every packet flows on it from the start. */
  void attachWebSocket(ServerWebSocket socket) {
    use(socket, context);
    listen(socket);
  }

  /**
   * A WebSocket asking to upgrade this polling session ({@code 2probe}, {@code 3probe}, then {@code 5}). Called on
   * the socket's own loop, which may be another than the session's: the socket is registered on the session's loop
   * first and its handlers are installed at once, so that nothing it receives meanwhile is lost and everything
   * reaches the session in order.
   */
  void acceptUpgrade(ServerWebSocket socket, Context socketContext) {
    EngineServer.onContext(context, () -> upgrade(socket, socketContext));
    listen(socket);
  }

  private void upgrade(ServerWebSocket socket, Context socketContext) {
    if (ws != null || probe != null || closedReason != null) {
      EngineServer.onContext(socketContext, () -> socket.close((short) 1008, "this session already has a WebSocket"));
      return;
    }
    probe = socket;
    probeContext = socketContext;
    probeTimer = vertx().setTimer(10_000, t -> {
      if (probe == socket) {
        probe = null;
        probed = false;
        EngineServer.onContext(socketContext, () -> socket.close((short) 1008, "upgrade timeout"));
      }
    });
  }

  private void onProbeText(String text) {
    ServerWebSocket socket = probe;
    Context socketContext = probeContext;
    if ("2probe".equals(text)) {
      EngineServer.onContext(socketContext, () -> socket.writeTextMessage("3probe"));
      probed = true;
      releasePollForUpgrade();
    } else if ("5".equals(text)) {
      vertx().cancelTimer(probeTimer);
      probe = null;
      probed = false;
      completeUpgrade(socket, socketContext);
    } else {
      probe = null;
      probed = false;
      EngineServer.onContext(socketContext, () -> socket.close((short) 1008, "invalid upgrade"));
    }
  }

  private void completeUpgrade(ServerWebSocket socket, Context socketContext) {
    if (pendingGet != null) {
      respondPoll(EnginePacket.encodePayload(List.of(EnginePacket.of(EnginePacket.NOOP))));
    }
    use(socket, socketContext);
    buffer.forEach(p -> writeWs(encode(p)));
    buffer.clear();
    backlogFrames = 0;
    backlogBytes = 0;
    if (draining) {
      notifyClient = false; // the close packet was queued and has just been written
      finish();
    }
  }

  private void use(ServerWebSocket socket, Context socketContext) {
    ws = socket;
    wsContext = socketContext;
    wsChannel = ((WebSocketInternal) socket).channelHandlerContext();
  }

  /**
   * Installs the socket's handlers; runs on the socket's loop, and each handler hops to the session's, where what
   * arrives is taken as a probe's while the socket is the probe and as packets once it carries the session.
   */
  private void listen(ServerWebSocket socket) {
    socket.textMessageHandler(text -> EngineServer.onContext(context, () -> onText(socket, text)));
    socket.binaryMessageHandler(bytes -> EngineServer.onContext(context, () -> {
      if (socket == ws) {
        onPacket(EnginePacket.binary(bytes));
      }
    }));
    socket.closeHandler(v -> EngineServer.onContext(context, () -> onSocketGone(socket, "transport close")));
    socket.exceptionHandler(e -> EngineServer.onContext(context, () -> onSocketGone(socket,
      "transport error: " + e.getMessage())));
  }

  private void onText(ServerWebSocket socket, String text) {
    if (socket == probe) {
      onProbeText(text);
    } else if (socket == ws) {
      EnginePacket packet;
      try {
        packet = EnginePacket.decodeText(text);
      } catch (IllegalArgumentException e) {
        close("parse error: " + e.getMessage(), false);
        return;
      }
      onPacket(packet);
    }
  }

  private void onSocketGone(ServerWebSocket socket, String reason) {
    if (socket == probe) {
      probe = null;
      probed = false;
    } else if (socket == ws) {
      close(reason, false);
    }
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
    if (probe != null && !(probed && notify)) {
      // a probe the client has been answered on is kept: the client paused polling for it, and what is queued
      // (with the close packet) reaches it when the upgrade completes
      ServerWebSocket dropped = probe;
      probe = null;
      EngineServer.onContext(probeContext, dropped::close);
    }
    if (ws == null && notify) {
      // polling: what is queued, then the close packet, goes out with the next GET (or the one held now)
      buffer.add(EnginePacket.of(EnginePacket.CLOSE));
      if (pendingGet == null) {
        draining = true;
        timer = vertx().setTimer(options.pingTimeout(), t -> finish());
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
      // a GET held when the session ends learns why: noop when the client closed it (it knows), close otherwise
      // (an overlapping GET, a bad POST, a missed pong), as socket.io's server answers
      respondPoll(String.valueOf(CLIENT_CLOSE.equals(closedReason) ? EnginePacket.NOOP : EnginePacket.CLOSE));
    }
    buffer.clear();
    if (ws != null && wsChannel.channel().isActive()) {
      if (notifyClient) {
        writeWs(encode(EnginePacket.of(EnginePacket.CLOSE)));
      }
      if (wsContext == context) {
        flush();
      }
      ServerWebSocket socket = ws;
      short code = (short) (closedReason.startsWith(SLOW_CONSUMER) ? 1008 : 1000);
      String why = truncate(closedReason);
      EngineServer.onContext(wsContext, () -> socket.close(code, why));
    }
    closeHandler.handle(closedReason);
  }

  /** WebSocket close reasons are limited to 123 bytes. */
  private static String truncate(String reason) {
    return reason.length() > 100 ? reason.substring(0, 100) : reason;
  }
}
