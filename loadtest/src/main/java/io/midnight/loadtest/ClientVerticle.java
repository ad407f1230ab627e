package io.midnight.loadtest;

import io.midnight.common.socketio.SocketIoPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One simulated user: its own Socket.IO connection (raw Engine.IO v4 frames over WebSocket), one room, an open
 * schedule of greetings (each send has a time; latency counts from it, so a stalled server shows), retries of an
 * unanswered send with the same {@code clientMsgId}, and a record of every seq it received. A dropped connection
 * is reopened with backoff and the room rejoined with {@code sinceSeq}, so nothing is missed by design.
 *
 * <p>Confined to its event loop; {@link #result()} is read after it stopped.
 */
final class ClientVerticle extends VerticleBase {

  /** What the run needs from a finished client. */
  record Result(long room, BitSet received, long duplicates, long outOfOrder, boolean everJoined,
                int reconnects) {
  }

  private record Pending(long k, long scheduledNanos, int attempt) {
  }

  private final LoadRun run;
  private final int user;
  private final String token;
  private final RoomLedger room;
  private final Promise<Void> joinedOnce = Promise.promise();

  private ClientWebSocket ws;
  private boolean open;
  private boolean stopping;
  private long connectStartedNanos;
  private int reconnects;
  private long nextAckId;
  private final Map<Long, Pending> byAckId = new HashMap<>();
  private final Map<Long, Pending> outstanding = new HashMap<>();
  private long joinAckId = -1;
  private final BitSet received = new BitSet();
  /** Per sender, the k of each send received: one send seen under two seqs is a duplicate too. */
  private final Map<Integer, BitSet> seenBySender = new HashMap<>();
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

  /** Completes when the client has joined its room the first time (or fails after its connect attempts). */
  Future<Void> joined() {
    return joinedOnce.future();
  }

  // ---- connection ----

  private void connect(int attempt) {
    connectStartedNanos = System.nanoTime();
    ws = run.webSockets(user).webSocket();
    ws.textMessageHandler(this::onFrame);
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

  private void onFrame(String frame) {
    if (frame.startsWith("42[\"message\"")) {
      onDelivery(frame);
    } else if (frame.startsWith("43")) {
      onAck(frame);
    } else if (frame.equals("2")) {
      ws.writeTextMessage("3");
    } else if (frame.startsWith("0{")) {
      ws.writeTextMessage("40");
    } else if (frame.startsWith("40")) {
      open = true;
      run.stats().connected.incrementAndGet();
      run.stats().connectLatency(System.nanoTime() - connectStartedNanos);
      join();
    } else if (frame.startsWith("44")) {
      run.stats().error("connect_refused");
      ws.close();
    }
  }

  private void join() {
    joinAckId = nextAckId++;
    JsonObject body = new JsonObject().put("room", room.roomId);
    if (everJoined) {
      body.put("sinceSeq", room.baseSeq() + contiguous()); // what a reconnect missed comes back first
    }
    ws.writeTextMessage("42" + joinAckId + new JsonArray().add("join").add(body).encode());
  }

  /** How many seqs after the base were received without a hole. */
  private long contiguous() {
    return received.nextClearBit(1) - 1;
  }

  // ---- sending ----

  /** Sends this user's greetings at the times of {@code schedule}. */
  void startSending(SendSchedule schedule) {
    context.runOnContext(v -> scheduleNext(0, schedule.first(), schedule));
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
      send(new Pending(k, at, 0));
      scheduleNext(k + 1, schedule.next(at), schedule);
    });
  }

  private void send(Pending p) {
    if (p.attempt() == 0) {
      run.stats().sent.increment();
      outstanding.put(p.k(), p);
    } else {
      run.stats().retries.increment();
    }
    if (!open) {
      vertx.setTimer(LoadRun.retryDelayMillis(p.attempt()), t -> retry(p, "not_connected"));
      return;
    }
    long ackId = nextAckId++;
    byAckId.put(ackId, p);
    JsonObject body = new JsonObject().put("room", room.roomId)
      .put("text", Greetings.text(user, p.k(), p.scheduledNanos()))
      .put("clientMsgId", run.runId() + "-" + user + "-" + p.k());
    ws.writeTextMessage("42" + ackId + new JsonArray().add("message").add(body).encode());
    vertx.setTimer(LoadRun.ackTimeoutMillis(p.attempt()), t -> {
      if (byAckId.containsKey(ackId)) {
        retry(p, "ack_timeout"); // the late ack still counts if it comes: the entry stays until the message settles
      }
    });
  }

  /** The message got its answer or was given up: no attempt of it is awaited any more. */
  private void settle(long k) {
    outstanding.remove(k);
    byAckId.values().removeIf(attempt -> attempt.k() == k);
    run.settled();
  }

  /** The same message again (same clientMsgId): the server answers a retry with the first ack, storing nothing. */
  private void retry(Pending p, String why) {
    if (!outstanding.containsKey(p.k())) {
      return;
    }
    if (p.attempt() + 1 >= LoadRun.SEND_ATTEMPTS) {
      run.stats().error(why);
      settle(p.k());
      return;
    }
    send(new Pending(p.k(), p.scheduledNanos(), p.attempt() + 1));
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
    Pending p = byAckId.remove(packet.ackId());
    if (p == null || answer == null || !outstanding.containsKey(p.k())) {
      return; // an attempt of a message that settled already
    }
    JsonObject error = answer.getJsonObject("error");
    if (error != null) {
      String code = error.getString("code", "error");
      if ("rate_limited".equals(code) || "unavailable".equals(code)) {
        vertx.setTimer(LoadRun.retryDelayMillis(p.attempt()), t -> retry(p, code));
      } else {
        run.stats().error(code);
        settle(p.k());
      }
      return;
    }
    run.stats().acked.increment();
    run.stats().ackLatency(System.nanoTime() - p.scheduledNanos());
    room.acked(answer.getLong("seq"));
    settle(p.k());
  }

  private void onJoined(JsonObject answer) {
    if (answer == null || answer.containsKey("error")) {
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

  private void onDelivery(String frame) {
    JsonObject m;
    try {
      m = SocketIoPacket.decode(frame.substring(1)).args().getJsonObject(0);
    } catch (RuntimeException e) {
      run.stats().error("bad_frame");
      return;
    }
    long seq = m.getLong("seq");
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
    Greetings.Tag tag = Greetings.tag(m.getString("text", ""));
    if (tag != null) {
      BitSet fromSender = seenBySender.computeIfAbsent(tag.user(), u -> new BitSet());
      if (fromSender.get((int) tag.k())) {
        duplicates++; // the same send stored twice under two seqs: a retry the server did not recognise
        return;
      }
      fromSender.set((int) tag.k());
      run.stats().endToEndLatency(System.nanoTime() - tag.scheduledNanos());
    }
    run.stats().delivered.increment();
  }

  Result result() {
    return new Result(room.roomId, (BitSet) received.clone(), duplicates, outOfOrder, everJoined, reconnects);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (ws != null && !ws.isClosed()) {
      return ws.close();
    }
    return Future.succeededFuture();
  }
}
