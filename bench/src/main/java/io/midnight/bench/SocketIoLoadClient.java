package io.midnight.bench;

import io.midnight.common.RetryAfter;
import io.midnight.common.socketio.EnginePacket;
import io.midnight.common.socketio.EventFrames;
import io.midnight.common.socketio.EventScan;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A share of the simulated users, all on one event loop. It connects them over raw Engine.IO v4 / Socket.IO v5
 * WebSocket frames (open packet, {@code 40} CONNECT, {@code join} with an ack, {@code 3} for every ping), then,
 * one step at a time, sends messages open-loop at a fixed rate: message {@code k} of a step is due at
 * {@code start + k / rate}, carries that intended time and its number in its text, and both its ack latency and
 * the latency of every delivery of it are measured from that time (so a stalled sender or server cannot hide
 * latency: no coordinated omission). An ack with error {@code unavailable} is a refusal: the message is resent
 * after the ack's {@code retryAfterMs} with the same clientMsgId. What may wait for acks is capped per socket and
 * per client; a message due while a cap is full is not sent, only counted. Its figures live in a {@link StepStats}
 * that only this event loop touches.
 */
final class SocketIoLoadClient extends VerticleBase {

  private static final int CONNECT_WINDOW = 32;
  private static final long SETUP_TIMEOUT_MS = 30_000;
  /** A refusal without {@code retryAfterMs} is retried after this long. */
  static final long DEFAULT_RETRY_MS = 500;
  private static final byte[] MESSAGE = EventScan.eventPrefix("message");
  private static final byte[] ERROR = EventScan.key("error");
  private static final byte[] CODE = EventScan.key("code");
  private static final byte[] RETRY_AFTER = EventScan.key("retryAfterMs");

  private final int port;
  private final List<LoadSocket> sockets;
  private final long origin;
  private final int index;
  private final int clients;
  private final int perSocketCap;
  private final int totalCap;
  private final long[] scratch = new long[3];
  private WebSocketClient client;
  private StepStats stats = new StepStats(0);
  private int step = -1;
  private double rate;
  private long stepStart;
  private long planned;
  private long timer = -1;
  private int cursor;
  private int outstanding;
  private boolean closing;

  /**
   * Client {@code index} of {@code clients}; {@code origin} is the run's {@link System#nanoTime()} origin (bench
   * times are nanoseconds since it); {@code caps.total()} is shared evenly by the clients.
   */
  SocketIoLoadClient(int port, List<LoadSocket> sockets, long origin, int index, int clients, FanoutOptions.Caps caps) {
    this.port = port;
    this.sockets = sockets;
    this.origin = origin;
    this.index = index;
    this.clients = clients;
    this.perSocketCap = caps.perSocket();
    this.totalCap = Math.max(1, caps.total() / clients);
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(Math.max(50, sockets.size())).setConnectTimeout(10_000));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    closing = true;
    cancelTimer();
    List<Future<Void>> closes = new ArrayList<>();
    for (LoadSocket s : sockets) {
      if (s.ws != null && !s.ws.isClosed()) {
        closes.add(s.ws.close().recover(e -> Future.succeededFuture()));
      }
    }
    return Future.join(closes).eventually(() -> client.close());
  }

  /**
   * Connects and joins every socket, {@value #CONNECT_WINDOW} at a time; after the first failure it starts no more
   * and fails with it once those under way have ended.
   */
  Future<Void> connectAll() {
    return onContext(() -> {
      Promise<Void> all = Promise.promise();
      new Object() {
        int next;
        int done;
        Throwable failure;

        void more() {
          if (next >= sockets.size() || failure != null) {
            if (failure != null && done == next) {
              all.tryFail(failure);
            }
            return;
          }
          connect(sockets.get(next++)).onComplete(ar -> {
            if (ar.failed() && failure == null) {
              failure = ar.cause();
            }
            if (++done == sockets.size()) {
              if (failure == null) {
                all.tryComplete();
              } else {
                all.tryFail(failure);
              }
            } else {
              more();
            }
          });
        }

        void begin() {
          if (sockets.isEmpty()) {
            all.complete();
          }
          for (int i = 0; i < CONNECT_WINDOW; i++) {
            more();
          }
        }
      }.begin();
      return all.future();
    });
  }

  /**
   * Starts step {@code id}: this client's share ({@code 1/clients}) of {@code totalPerSecond} messages per second
   * from {@code startNanos} for {@code durationNanos} (times since the origin); forgets what the previous step still
   * waited for. Its message {@code k} is number {@code k * clients + index} of the step.
   */
  Future<Void> startStep(int id, double totalPerSecond, long startNanos, long durationNanos) {
    return onContext(() -> {
      cancelTimer();
      for (LoadSocket s : sockets) {
        s.pending.clear();
        s.inFlight = 0;
      }
      outstanding = 0;
      step = id;
      rate = totalPerSecond / clients;
      stepStart = startNanos;
      planned = (long) (durationNanos * rate / 1e9);
      stats = new StepStats((int) Math.min(Integer.MAX_VALUE, (planned + 1) * clients));
      timer = vertx.setPeriodic(1, t -> tick());
      return Future.succeededFuture();
    });
  }

  /** A copy of this step's figures so far (counts only, unless {@code full}). */
  Future<StepStats> snapshot(boolean full) {
    return onContext(() -> Future.succeededFuture(stats.copy(full)));
  }

  private void tick() {
    long now = System.nanoTime() - origin;
    if (now < stepStart) {
      return;
    }
    long due = Math.min(planned, (long) ((now - stepStart) * rate / 1e9) + 1);
    for (long k = stats.sent + stats.capped; k < due; k++) {
      sendOne((int) (k * clients + index), stepStart + (long) (k * 1e9 / rate));
    }
    if (due >= planned) {
      cancelTimer();
    }
  }

  private void sendOne(int number, long intendedNanos) {
    LoadSocket s = sockets.get(cursor);
    cursor = (cursor + 1) % sockets.size();
    if (outstanding >= totalCap || s.inFlight >= perSocketCap || !s.writable()) {
      stats.capped++;
      return;
    }
    s.send(new LoadSocket.Pending(step, number, intendedNanos));
    stats.ledger.sent(number, s.roomMembers);
    stats.sent++;
    s.inFlight++;
    outstanding++;
  }

  private Future<Void> connect(LoadSocket s) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(s.uri()))
      .compose(ws -> {
        s.ws = ws;
        ws.handler(frame -> onFrame(s, frame));
        ws.exceptionHandler(e -> stats.error("socket " + s.name + ": " + e));
        ws.closeHandler(v -> onClose(s));
        long t = vertx.setTimer(SETUP_TIMEOUT_MS,
          id -> s.joined.tryFail("socket " + s.name + ": no join ack within " + SETUP_TIMEOUT_MS + " ms"));
        return s.joined.future().onComplete(ar -> vertx.cancelTimer(t));
      });
  }

  private void onClose(LoadSocket s) {
    s.joined.tryFail("socket " + s.name + " closed during setup");
    if (!closing) {
      stats.disconnects++;
      stats.error("socket " + s.name + " closed by the server");
    }
  }

  private void onFrame(LoadSocket s, Buffer data) {
    EventScan.Frame frame = EventScan.frame(data);
    switch (frame.engineType()) {
      case EnginePacket.PING -> s.ws.writeTextMessage(EventFrames.PONG);
      case EnginePacket.OPEN -> s.ws.writeTextMessage(EventFrames.CONNECT);
      case EnginePacket.CLOSE -> stats.error("socket " + s.name + ": Engine.IO close");
      case EnginePacket.MESSAGE -> {
        switch (frame.socketIoType()) {
          case '2' -> {
            if (frame.startsWith(MESSAGE)) {
              onDelivery(frame);
            }
          }
          case '3' -> onAck(s, frame, data);
          case '0' -> s.ws.writeTextMessage(BenchText.join(s.room));
          case '4' -> s.joined.tryFail("socket " + s.name + ": connect refused: " + data);
          case '1' -> {
            stats.disconnects++;
            stats.error("socket " + s.name + ": " + data);
          }
          default -> {
          }
        }
      }
      default -> {
      }
    }
  }

  private void onAck(LoadSocket s, EventScan.Frame frame, Buffer data) {
    long id = frame.ackId();
    boolean error = frame.has(ERROR);
    if (id == 0) {
      if (error) {
        s.joined.tryFail("socket " + s.name + ": join refused: " + data);
      } else {
        s.joined.tryComplete();
      }
      return;
    }
    LoadSocket.Pending p = id < 0 || id > Integer.MAX_VALUE ? null : s.pending.remove((int) id);
    if (p == null || p.step != step) {
      stats.lateAcks++;
      return;
    }
    long now = System.nanoTime() - origin;
    if (error && frame.stringIs(CODE, "unavailable")) {
      stats.refusals++;
      long wait = frame.longValue(RETRY_AFTER);
      vertx.setTimer(Math.max(1, RetryAfter.delayMillis(wait < 0 ? DEFAULT_RETRY_MS : wait)), t -> resend(s, p));
      return;
    }
    s.inFlight--;
    outstanding--;
    if (error) {
      stats.ackErrors++;
      stats.error(data.toString());
      return;
    }
    stats.acked++;
    stats.expectedDeliveries += s.roomMembers;
    stats.ledger.acked(p.number);
    stats.recordAck(now - p.intendedNanos);
    stats.lastAckNanos = now;
  }

  /** After a refusal's wait: the same message again, unless its step is over or the socket is gone. */
  private void resend(LoadSocket s, LoadSocket.Pending p) {
    if (p.step != step || closing) {
      return;
    }
    if (s.ws == null || s.ws.isClosed()) {
      s.inFlight--;
      outstanding--;
      stats.ackErrors++;
      stats.error("socket " + s.name + " closed before a refused message could be resent");
      return;
    }
    stats.retries++;
    s.send(p);
  }

  private void onDelivery(EventScan.Frame frame) {
    if (!BenchText.read(frame, scratch)) {
      return;
    }
    if (scratch[0] != step || !stats.ledger.received(scratch[2])) {
      stats.lateDeliveries++;
      return;
    }
    long now = System.nanoTime() - origin;
    stats.delivered++;
    stats.recordEndToEnd(now - scratch[1]);
    stats.lastDeliveryNanos = now;
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
