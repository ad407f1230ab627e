package io.midnight.gateway.overload;

import io.vertx.core.Vertx;

/**
 * Measures how late one event loop runs its timers: a timer set for every {@value #PERIOD_MILLIS} ms notes how
 * much later than asked it ran, and reports to the {@link OverloadGuard} the lesser of its last two lags. A loop
 * with a backlog of deliveries and reads runs its timers late by about that backlog, which is what a new send
 * would wait behind; one stall (a GC pause, a compilation, the machine busy for a moment) makes only one timer
 * late, and is not taken for a backlog.
 *
 * <p>Not thread-safe: one per event loop, created on it.
 */
public final class LoopLagProbe {

  static final long PERIOD_MILLIS = 50;

  private final Vertx vertx;
  private final OverloadGuard guard;
  private final int loop;
  private long timer;
  private long due;
  private long previousLag;
  private boolean stopped;

  public LoopLagProbe(Vertx vertx, OverloadGuard guard, int loop) {
    this.vertx = vertx;
    this.guard = guard;
    this.loop = loop;
    schedule();
  }

  private void schedule() {
    due = System.nanoTime() + PERIOD_MILLIS * 1_000_000;
    timer = vertx.setTimer(PERIOD_MILLIS, t -> {
      long lag = Math.max(0, (System.nanoTime() - due) / 1_000_000);
      guard.reportLag(loop, Math.min(lag, previousLag));
      previousLag = lag;
      if (!stopped) {
        schedule();
      }
    });
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    guard.reportLag(loop, 0);
  }
}
