package io.midnight.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * Runs {@code count} tasks (connect and join one user) with at most {@code size} of them in flight, starting the
 * next as soon as one finishes. Waves of a fixed size waited for their slowest join before the next wave began,
 * so the tail latency of every wave added up; a window keeps the server busy with a bounded number of
 * handshakes all the time. Confined to {@code context}: completions from other event loops hop onto it.
 */
final class ConnectWindow {

  /** The default window: enough handshakes in flight to keep a server's event loops busy, few enough to queue. */
  static final int DEFAULT_SIZE = 500;

  private final Context context;
  private final int size;
  private final Promise<Void> done = Promise.promise();
  private int count;
  private IntFunction<Future<?>> task;
  private BooleanSupplier stop;
  private int next;
  private int running;
  private int peak;
  private IntToLongFunction notBefore;
  private boolean waiting;

  ConnectWindow(Context context, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("the connect window must be at least 1; got " + size);
    }
    this.context = context;
    this.size = size;
  }

  /**
   * Starts {@code task.apply(i)} for i = 0 .. count-1, at most {@code size} at a time; completes when every
   * started task finished (failed ones too), or, once {@code stop} holds, when the running ones finished.
   */
  Future<Void> run(int count, IntFunction<Future<?>> task, BooleanSupplier stop) {
    this.count = count;
    this.task = task;
    this.stop = stop;
    context.runOnContext(v -> fill());
    return done.future();
  }

  /**
   * Task i starts no earlier than {@code notBefore.applyAsLong(i)} (a System.nanoTime value): connects spread
   * over a time, the window still bounding how many are in flight.
   */
  ConnectWindow paced(IntToLongFunction notBefore) {
    this.notBefore = notBefore;
    return this;
  }

  /** The most tasks that were in flight at once. */
  int peak() {
    return peak;
  }

  private void fill() {
    while (running < size && next < count && !stop.getAsBoolean()) {
      long early = notBefore == null ? 0 : notBefore.applyAsLong(next) - System.nanoTime();
      if (early > 1_000_000) {
        if (!waiting) {
          waiting = true;
          context.owner().setTimer(early / 1_000_000, t -> {
            waiting = false;
            fill();
          });
        }
        return; // not done: task `next` is still to come
      }
      int i = next++;
      running++;
      peak = Math.max(peak, running);
      Future<?> started;
      try {
        started = task.apply(i);
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      started.onComplete(ar -> context.runOnContext(v -> {
        running--;
        fill();
      }));
    }
    if (running == 0 && (next >= count || stop.getAsBoolean())) {
      done.tryComplete();
    }
  }
}
