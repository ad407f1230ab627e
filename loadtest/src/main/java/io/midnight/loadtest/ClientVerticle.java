package io.midnight.loadtest;

import io.midnight.common.RetryAfter;
import io.midnight.common.socketio.EnginePacket;
import io.midnight.common.socketio.EventFrames;
import io.midnight.common.socketio.EventScan;
import io.midnight.common.socketio.SocketIoPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One simulated user: its own Socket.IO connection (raw Engine.IO v4 frames over WebSocket), one room, an open
 * schedule of greetings (each send has a time; latency counts from it, so a stalled server shows), retries of an
 * unanswered or refused send with the same {@code clientMsgId} (after the server's {@code retryAfterMs} when it
 * names one), and a record of every seq it received. A dropped connection is reopened with backoff and the room
 * rejoined with {@code sinceSeq}, so nothing is missed by design. Its memory is bounded: at most
 * {@link LoadRun#maxInFlight} unsettled sends, each with at most one timer per attempt, and no write to a socket
 * whose write queue is full.
 *
 * <p>Confined to its event loop; {@link #result()} is read after it stopped.
 */
final class ClientVerticle extends VerticleBase {

  /**
   * Answers after which a send goes again with the same {@code clientMsgId}: refused for now, or (disk full, an
   * outcome storage could not tell) possibly not stored; the store answers a retry of a stored one with its ack.
   */
  private static final Set<String> RETRYABLE = Set.of("rate_limited", "unavailable", "disk_full", "unknown_outcome");

  /** What the run needs from a finished client. */
  record Result(long room, BitSet received, long duplicates, long outOfOrder, boolean everJoined,
                int reconnects) {
  }

  /** One send: its k, when it was due, and how many of its attempts failed so far. */
  private record Pending(long k, long scheduledNanos, int attempt) {
  }

  /** One write of a send, awaiting its ack; the timer resends it when the ack does not come in time. */
  private record Attempt(Pending pending, long ackTimer) {
  }

  private static final byte[] MESSAGE = EventScan.eventPrefix("message");
  private static final byte[] SEQ = EventScan.key("seq");
  private static final byte[] TEXT = EventScan.key("text");

  private final LoadRun run;
  private final int user;
  private final String token;
  private final RoomLedger room;
  private final Promise<Void> joinedOnce = Promise.promise();

  private ClientWebSocket ws;
  private boolean open;
  private boolean stopping;
  private long connectStartedNanos;
  private long joinTimer = -1;
  private int reconnects;
  private long nextAckId;
  /** At most maxInFlight sends x SEND_ATTEMPTS writes: the in-flight cap bounds both maps. */
  private final Map<Long, Attempt> byAckId = new HashMap<>();
  private final Map<Long, Pending> outstanding = new HashMap<>();
  private long joinAckId = -1;
  /** Joins of the current connection answered "busy" so far. */
  private int joinAttempts;
  private final BitSet received = new BitSet();
  /**
   * The k of each of this user's own sends received back: one send seen under two seqs is a duplicate too. Only
   * the sender checks (it is a member of its room, so it gets every copy): a set per (member, sender) pair grew
   * with users x room size.
   */
  private final BitSet ownSeen = new BitSet();
  private long maxSeen;
  private long duplicates;
  private long outOfOrder;
  private boolean everJoined;

  ClientVerticle(LoadRun run, int user, String token, RoomLedger room) {
    this.run = run;
    this.user = user;
    this.token = token;
    this.room = room;
  }

  @Override
  public Future<?> start() {
    connect(0);
    return Future.succeededFuture();
  }

  int user() {
    return user;
  }

  /** Completes when the client has joined its room the first time (or fails after its connect attempts). */
  Future<Void> joined() {
    return joinedOnce.future();
  }

  // ---- connection ----

  private void connect(int attempt) {
    connectStartedNanos = System.nanoTime();
    vertx.cancelTimer(joinTimer);
    joinTimer = vertx.setTimer(LoadRun.JOIN_TIMEOUT_MILLIS, t -> onJoinTimeout());
    ws = run.webSockets(user).webSocket();
    ws.handler(this::onData); // the server sends every packet as one unfragmented text frame
    ws.closeHandler(v -> onClosed());
    URI gateway = run.gateway(user);
    ws.connect(new WebSocketConnectOptions().setHost(gateway.getHost()).setPort(Target.port(gateway))
        .setSsl(Target.ssl(gateway))
        .setURI(run.socketPath() + "?EIO=4&transport=websocket&token=" + token))
      .onFailure(e -> {
        run.stats().error("connect_failed");
        retryConnect(attempt, e.getMessage());
      });
  }

  /**
   * No join answer in time: the connect window must not wait forever for a server that took the socket and never
   * answered, so the first join counts as failed; the socket is closed and, like any dropped one, reopened.
   */
  private void onJoinTimeout() {
    if (stopping) {
      return;
    }
    run.stats().error("join_timeout");
    joinedOnce.tryFail("user " + user + " did not join room " + room.roomId + " within "
      + LoadRun.JOIN_TIMEOUT_MILLIS / 1000 + " s");
    try {
      if (!ws.isClosed()) {
        ws.close();
      }
    } catch (IllegalStateException notConnectedYet) {
      // the connect itself is still pending: its timeout and retries handle it
    }
  }

  private void retryConnect(int attempt, String why) {
    if (stopping) {
      return;
    }
    if (attempt + 1 >= (everJoined ? LoadRun.RECONNECT_ATTEMPTS : LoadRun.CONNECT_ATTEMPTS)) {
      joinedOnce.tryFail("user " + user + " could not connect after " + LoadRun.CONNECT_ATTEMPTS + " attempts: " + why);
      return;
    }
    long backoff = Math.min(2_000, 100L << Math.min(attempt, 5)) + (long) (Math.random() * 100);
    vertx.setTimer(backoff, t -> connect(attempt + 1));
  }

  private void onClosed() {
    if (open) {
      open = false;
      run.stats().connected.decrementAndGet();
    }
    if (!stopping) {
      run.stats().error("disconnected");
      reconnects++;
      retryConnect(0, "connection closed");
    }
  }

  /** Deliveries are read from the bytes as they came (they are most frames); acks are decoded. */
  private void onData(Buffer frame) {
    EventScan.Frame bytes = EventScan.frame(frame);
    if (bytes.startsWith(MESSAGE)) {
      onDelivery(bytes, frame);
      return;
    }
    switch (bytes.engineType()) {
      case EnginePacket.PING -> ws.writeTextMessage(EventFrames.PONG);
      case EnginePacket.OPEN -> ws.writeTextMessage(EventFrames.CONNECT);
      case EnginePacket.MESSAGE -> {
        switch (bytes.socketIoType()) {
          case '3' -> onAck(frame.toString(StandardCharsets.UTF_8));
          case '0' -> {
            open = true;
            joinAttempts = 0;
            run.stats().connected.incrementAndGet();
            run.stats().connectLatency(System.nanoTime() - connectStartedNanos);
            join();
          }
          case '4' -> {
            run.stats().error("connect_refused");
            ws.close();
          }
          default -> {
          }
        }
      }
      default -> {
      }
    }
  }

  private void join() {
    joinAckId = nextAckId++;
    // What a reconnect missed, and what was sent before a user that joins once sending started (a connect storm)
    // came in, comes back first, so every member owes every acked message. Joins before any send ask no replay.
    JsonObject body = new JsonObject().put("room", room.roomId);
    if (everJoined || run.sendingPlanned()) {
      body.put("sinceSeq", room.baseSeq() + contiguous());
    }
    emit(joinAckId, "join", body);
  }

  /** An event with an ack id, through the codec in {@code common}. */
  private void emit(long ackId, String event, JsonObject body) {
    ws.writeTextMessage(EventFrames.event(ackId, event, body));
  }

  /** How many seqs after the base were received without a hole. */
  private long contiguous() {
    return received.nextClearBit(1) - 1;
  }

  // ---- sending ----

  /** Sends this user's greetings at the times of {@code schedule}. */
  void startSending(SendSchedule schedule) {
    context.runOnContext(v -> scheduleNext(0, schedule.start(), schedule));
  }

  private void scheduleNext(long k, long at, SendSchedule schedule) {
    if (at >= schedule.end() || stopping || run.stopRequested()) {
      return;
    }
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(at - System.nanoTime()));
    vertx.setTimer(delayMs, t -> {
      if (run.stopRequested()) {
        return;
      }
      if (outstanding.size() >= run.maxInFlight()) {
        run.stats().skippedClientCap.increment(); // open model, bounded: a due send is dropped, never queued
      } else {
        run.stats().sent.increment();
        if (run.stats().inBurst(at)) {
          run.stats().burstSent();
        }
        Pending p = new Pending(k, at, 0);
        outstanding.put(k, p);
        send(p);
      }
      scheduleNext(k + 1, schedule.next(at), schedule);
    });
  }

  /** One attempt of {@code p}: written now, or held back while the socket is down or not draining its writes. */
  private void send(Pending p) {
    if (!open) {
      vertx.setTimer(LoadRun.retryDelayMillis(p.attempt()), t -> retry(p, "not_connected"));
      return;
    }
    if (ws.writeQueueFull()) {
      // The server is not reading: queueing more frames in this process would only grow its memory.
      run.stats().writeQueueFull.increment();
      comeBack(p, "write_queue_full", LoadRun.retryDelayMillis(p.attempt()));
      return;
    }
    long ackId = nextAckId++;
    long timer = vertx.setTimer(LoadRun.ackTimeoutMillis(p.attempt()), t -> {
      if (byAckId.containsKey(ackId)) {
        retry(p, "ack_timeout"); // the late ack still counts if it comes: the entry stays until the message settles
      }
    });
    byAckId.put(ackId, new Attempt(p, timer));
    JsonObject body = new JsonObject().put("room", room.roomId)
      .put("text", Greetings.text(user, p.k(), RunClock.wallMicros(p.scheduledNanos())))
      .put("clientMsgId", run.runId() + "-" + user + "-" + p.k());
    emit(ackId, "message", body);
  }

  /** The message got its answer or was given up: no attempt of it is awaited any more, and no timer of it runs. */
  private void settle(long k) {
    outstanding.remove(k);
    byAckId.values().removeIf(attempt -> {
      if (attempt.pending().k() == k) {
        vertx.cancelTimer(attempt.ackTimer());
        return true;
      }
      return false;
    });
    run.settled();
  }

  /** After a failed attempt, the same message again (same clientMsgId): the server answers it with the first ack. */
  private void retry(Pending p, String why) {
    if (!outstanding.containsKey(p.k())) {
      return;
    }
    if (p.attempt() + 1 >= LoadRun.SEND_ATTEMPTS || System.nanoTime() >= run.giveUpNanos()) {
      run.stats().error(why);
      settle(p.k());
      return;
    }
    run.stats().retries.increment();
    send(new Pending(p.k(), p.scheduledNanos(), p.attempt() + 1));
  }

  /**
   * The same message again after {@code delayMs}, as the server (or a full write queue) asked: no attempt is
   * burnt, so an overload run does not end in errors; the run's deadline still bounds the loop.
   */
  private void comeBack(Pending p, String why, long delayMs) {
    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) >= run.giveUpNanos()) {
      run.stats().error(why);
      settle(p.k());
      return;
    }
    vertx.setTimer(delayMs, t -> {
      if (outstanding.containsKey(p.k())) {
        run.stats().retries.increment();
        send(p);
      }
    });
  }

  private void onAck(String frame) {
    SocketIoPacket packet;
    try {
      packet = SocketIoPacket.decode(frame.substring(1));
    } catch (IllegalArgumentException e) {
      run.stats().error("bad_frame");
      return;
    }
    JsonObject answer = packet.args().isEmpty() ? null : packet.args().getJsonObject(0);
    if (packet.ackId() == joinAckId) {
      onJoined(answer);
      return;
    }
    Attempt attempt = byAckId.remove(packet.ackId());
    if (attempt == null) {
      return; // an attempt of a message that settled already
    }
    vertx.cancelTimer(attempt.ackTimer());
    Pending p = attempt.pending();
    if (answer == null || !outstanding.containsKey(p.k())) {
      return;
    }
    JsonObject error = answer.getJsonObject("error");
    if (error != null) {
      String code = error.getString("code", "error");
      if (RETRYABLE.contains(code)) {
        run.stats().refused.increment();
        if (error.getValue("retryAfterMs") instanceof Number retryAfterMs) {
          comeBack(p, code, RetryAfter.delayMillis(retryAfterMs.longValue()));
        } else {
          vertx.setTimer(LoadRun.retryDelayMillis(p.attempt()), t -> retry(p, code));
        }
      } else {
        run.stats().error(code);
        settle(p.k());
      }
      return;
    }
    long now = System.nanoTime();
    run.stats().acked.increment();
    run.stats().ackLatency(now - p.scheduledNanos());
    if (room.acked(answer.getLong("seq")) && run.stats().inBurst(p.scheduledNanos())) {
      run.stats().burstAcked(now);
      room.greetingAcked();
    }
    settle(p.k());
  }

  private void onJoined(JsonObject answer) {
    vertx.cancelTimer(joinTimer); // answered, even if with an error: nothing to time out
    JsonObject error = answer == null ? null : answer.getJsonObject("error");
    String code = error == null ? null : error.getString("code");
    if (("unavailable".equals(code) || "rate_limited".equals(code)) && joinAttempts + 1 < LoadRun.JOIN_ATTEMPTS) {
      // the server is busy (a service slow to answer, an overload): the same join again, as it asked or backed off
      long delay = error.getValue("retryAfterMs") instanceof Number ms ? RetryAfter.delayMillis(ms.longValue())
        : LoadRun.retryDelayMillis(joinAttempts);
      joinAttempts++;
      joinTimer = vertx.setTimer(delay + LoadRun.JOIN_TIMEOUT_MILLIS, t -> onJoinTimeout());
      vertx.setTimer(delay, t -> {
        if (open && !stopping) {
          join();
        }
      });
      return;
    }
    if (answer == null || error != null) {
      run.stats().error("join_failed");
      joinedOnce.tryFail("user " + user + " could not join room " + room.roomId + ": " + answer);
      return;
    }
    if (!everJoined) {
      everJoined = true;
      run.stats().joined.incrementAndGet();
      joinedOnce.tryComplete();
    }
  }

  // ---- receiving ----

  /**
   * One delivery: its seq and its greeting's tag found in the bytes ({@link EventScan}), no JSON tree and no String;
   * a frame laid out otherwise goes through the codec.
   */
  private void onDelivery(EventScan.Frame bytes, Buffer frame) {
    long seq = bytes.longValue(SEQ);
    int textEnd = bytes.stringEnd(TEXT);
    Greetings.Tag tag;
    if (seq != EventScan.ABSENT && textEnd >= 0) {
      tag = Greetings.tag(bytes, textEnd);
    } else {
      try {
        JsonObject m = SocketIoPacket.decode(frame.toString(StandardCharsets.UTF_8).substring(1)).args()
          .getJsonObject(0);
        seq = m.getLong("seq");
        tag = Greetings.tag(m.getString("text", ""));
      } catch (RuntimeException e) {
        run.stats().error("bad_frame");
        return;
      }
    }
    int index = (int) (seq - room.baseSeq());
    if (index <= 0) {
      return; // from before the run
    }
    if (received.get(index)) {
      duplicates++;
      return;
    }
    received.set(index);
    if (seq < maxSeen) {
      outOfOrder++;
    }
    maxSeen = Math.max(maxSeen, seq);
    if (tag != null) {
      if (tag.user() == user) {
        if (ownSeen.get((int) tag.k())) {
          duplicates++; // the same send stored twice under two seqs: a retry the server did not recognise
          return;
        }
        ownSeen.set((int) tag.k());
      }
      long now = System.nanoTime();
      long scheduled = RunClock.nanoTime(tag.scheduledMicros()); // the sender may be another worker
      run.stats().endToEndLatency(now - scheduled);
      if (run.stats().inBurst(scheduled)) {
        run.stats().burstDelivered(now);
      }
    }
    run.stats().delivered.increment();
  }

  Result result() {
    return new Result(room.roomId, (BitSet) received.clone(), duplicates, outOfOrder, everJoined, reconnects);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(joinTimer);
    if (ws != null && !ws.isClosed()) {
      return ws.close();
    }
    return Future.succeededFuture();
  }
}
