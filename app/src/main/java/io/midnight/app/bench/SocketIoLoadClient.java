package io.midnight.app.bench;

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
 * one step at a time, sends messages open-loop at a fixed rate: message {@code i} of a step is due at
 * {@code start + i / rate}, carries that intended time in its text, and both its ack latency and the latency of
 * every delivery of it are measured from that time (so a stalled sender or server cannot hide latency: no
 * coordinated omission). Its figures live in a {@link StepStats} that only this event loop touches.
 */
final class SocketIoLoadClient extends VerticleBase {

  private static final int CONNECT_WINDOW = 32;
  private static final long SETUP_TIMEOUT_MS = 30_000;

  private final int port;
  private final List<LoadSocket> sockets;
  private final long origin;
  private final long[] scratch = new long[2];
  private WebSocketClient client;
  private StepStats stats = new StepStats();
  private int step = -1;
  private double rate;
  private long stepStart;
  private long stepEnd;
  private long timer = -1;
  private int cursor;
  private int outstanding;
  private int maxOutstanding;
  private boolean closing;

  /** {@code origin} is the run's {@link System#nanoTime()} origin: bench times are nanoseconds since it. */
  SocketIoLoadClient(int port, List<LoadSocket> sockets, long origin) {
    this.port = port;
    this.sockets = sockets;
    this.origin = origin;
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
   * Starts step {@code id}: {@code perSecond} messages per second from {@code startNanos} for {@code
   * durationNanos} (times since the origin); forgets what the previous step still waited for.
   */
  Future<Void> startStep(int id, double perSecond, long startNanos, long durationNanos) {
    return onContext(() -> {
      cancelTimer();
      for (LoadSocket s : sockets) {
        s.pending.clear();
      }
      outstanding = 0;
      stats = new StepStats();
      step = id;
      rate = perSecond;
      stepStart = startNanos;
      stepEnd = startNanos + durationNanos;
      maxOutstanding = (int) Math.max(2_000, perSecond);
      timer = vertx.setPeriodic(1, t -> tick());
      return Future.succeededFuture();
    });
  }

  /** A copy of this step's figures so far (counts only, unless {@code withHistograms}). */
  Future<StepStats> snapshot(boolean withHistograms) {
    return onContext(() -> Future.succeededFuture(stats.copy(withHistograms)));
  }

  private void tick() {
    long now = System.nanoTime() - origin;
    if (now < stepStart) {
      return;
    }
    long total = (long) ((stepEnd - stepStart) * rate / 1e9);
    long due = Math.min(total, (long) ((now - stepStart) * rate / 1e9) + 1);
    for (long planned = stats.sent + stats.skipped; planned < due; planned++) {
      sendOne(stepStart + (long) (planned * 1e9 / rate));
    }
    if (due >= total) {
      cancelTimer();
    }
  }

  private void sendOne(long intendedNanos) {
    LoadSocket s = sockets.get(cursor);
    cursor = (cursor + 1) % sockets.size();
    if (outstanding >= maxOutstanding || !s.writable()) {
      stats.skipped++;
      return;
    }
    s.send(step, intendedNanos);
    stats.sent++;
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

  private void onFrame(LoadSocket s, Buffer frame) {
    if (frame.length() == 0) {
      return;
    }
    byte type = frame.getByte(0);
    if (type == '2') {
      s.ws.writeTextMessage("3");
    } else if (type == '0') {
      s.ws.writeTextMessage("40");
    } else if (type == '4' && frame.length() >= 2) {
      switch (frame.getByte(1)) {
        case '2' -> {
          if (Frames.isMessageEvent(frame)) {
            onDelivery(frame);
          }
        }
        case '3' -> onAck(s, frame);
        case '0' -> s.ws.writeTextMessage(Frames.join(s.room));
        case '4' -> s.joined.tryFail("socket " + s.name + ": connect refused: " + frame);
        case '1' -> {
          stats.disconnects++;
          stats.error("socket " + s.name + ": " + frame);
        }
        default -> {
        }
      }
    } else if (type == '1') {
      stats.error("socket " + s.name + ": Engine.IO close");
    }
  }

  private void onAck(LoadSocket s, Buffer frame) {
    int id = Frames.ackId(frame);
    if (id == 0) {
      if (Frames.hasError(frame)) {
        s.joined.tryFail("socket " + s.name + ": join refused: " + frame);
      } else {
        s.joined.tryComplete();
      }
      return;
    }
    Long intended = s.pending.remove(id);
    if (intended == null) {
      stats.lateAcks++;
      return;
    }
    outstanding--;
    long now = System.nanoTime() - origin;
    if (Frames.hasError(frame)) {
      stats.ackErrors++;
      stats.error(frame.toString());
      return;
    }
    stats.acked++;
    stats.expectedDeliveries += s.roomMembers;
    stats.recordAck(now - intended);
    stats.lastAckNanos = now;
  }

  private void onDelivery(Buffer frame) {
    if (!Frames.readBenchText(frame, scratch)) {
      return;
    }
    if (scratch[0] != step) {
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
