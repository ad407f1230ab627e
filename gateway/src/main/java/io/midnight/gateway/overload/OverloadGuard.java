package io.midnight.gateway.overload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.midnight.common.ErrorCode;
import io.midnight.common.metrics.Meters;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The node's bound on the work it holds (docs: gateway/README.md, "Overload"). A send is admitted only while the node has
 * fewer than {@link #pendingBound()} sends waiting for their ack, fewer than {@code maxQueuedDeliveries} deliveries
 * waiting for their fan-out, and every gateway event loop keeps up with its timers (lag under
 * {@code maxLoopLagMillis}). Past either, it is refused at once with {@code unavailable} and a
 * {@code retryAfterMs} hint, before it costs a bus hop, a commit or a fan-out: refusing early is what keeps the
 * queues (appends, deliveries, frames waiting in sockets) bounded and {@code /health} answering while a spike
 * asks more than the node can do. A refused send was not stored; the client retries with the same
 * {@code clientMsgId}.
 *
 * <p>Thread-safe: shared by the gateway instances of a node; each loop reports its own lag.
 */
public final class OverloadGuard {

  static final long MIN_RETRY_MILLIS = 100;
  static final long MAX_RETRY_MILLIS = 5_000;

  private final int pendingBound;
  private final long maxLagMillis;
  private final long maxQueued;
  /** The node's fan-out backlog: deliveries queued in its loops ({@code RoomFanout}). */
  private final LongSupplier queued;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLongArray lagMillis;
  private final LongAdder refusals = new LongAdder();
  /** Of the refusals, those for a late loop and for the fan-out backlog (the rest: the pending bound). */
  private final LongAdder lagRefusals = new LongAdder();
  private final LongAdder backlogRefusals = new LongAdder();
  private final AtomicLong peakLagMillis = new AtomicLong();
  private final Counter refusalsMeter = Counter.builder("midnight.sends.refused.overload")
    .description("sends refused at once because the node held its bound of work").register(Meters.registry());

  public OverloadGuard(OverloadOptions options, long maxHeapBytes, int loops, LongSupplier queuedDeliveries) {
    this.pendingBound = options.pendingSendsBound(maxHeapBytes);
    this.maxLagMillis = options.maxLoopLagMillis();
    this.maxQueued = options.maxQueuedDeliveries();
    this.queued = queuedDeliveries;
    this.lagMillis = new AtomicLongArray(Math.max(1, loops));
    Gauge.builder("midnight.sends.pending", pending, AtomicInteger::get)
      .description("sends received by this node's gateway and not yet answered").register(Meters.registry());
    Gauge.builder("midnight.deliveries.queued", queuedDeliveries, LongSupplier::getAsLong)
      .description("deliveries waiting in this node's fan-out queues").register(Meters.registry());
  }

  public int pendingBound() {
    return pendingBound;
  }

  /**
   * Takes a slot for a send, or says why not: null when admitted (call {@link #done()} once it is answered), else
   * the refusal, {@code {"error": {"code": "unavailable", "message", "retryAfterMs"}}}.
   */
  public JsonObject admit() {
    long lag = maxLag();
    long backlog = queued.getAsLong();
    if (backlog > maxQueued) {
      backlogRefusals.increment();
      return refuse("the server is overloaded (" + backlog + " deliveries waiting for their fan-out)", lag);
    }
    if (lag > maxLagMillis) {
      lagRefusals.increment();
      return refuse("the server is overloaded (its event loops are " + lag + " ms behind)", lag);
    }
    int now = pending.incrementAndGet();
    if (now > pendingBound) {
      pending.decrementAndGet();
      return refuse("the server is overloaded (" + pendingBound + " sends waiting for storage)", 0);
    }
    return null;
  }

  /** The send admitted earlier was answered (acked or failed). */
  public void done() {
    pending.decrementAndGet();
  }

  /** Loop {@code loop}'s latest lag: how late its last check ran. */
  public void reportLag(int loop, long millis) {
    lagMillis.set(loop, millis);
    peakLagMillis.accumulateAndGet(millis, Math::max);
  }

  long maxLag() {
    long max = 0;
    for (int i = 0; i < lagMillis.length(); i++) {
      max = Math.max(max, lagMillis.get(i));
    }
    return max;
  }

  /** The hint grows with how far over the bound the node is, so refused clients come back spread out. */
  private JsonObject refuse(String why, long lag) {
    refusals.increment();
    refusalsMeter.increment();
    long retry = Math.max(MIN_RETRY_MILLIS, Math.min(MAX_RETRY_MILLIS,
      2 * lag + 1_000L * pending.get() / Math.max(1, pendingBound) + 1_000L * queued.getAsLong() / maxQueued));
    JsonObject refusal = ErrorCode.UNAVAILABLE.toJson(why + "; nothing was stored: retry after " + retry
      + " ms with the same clientMsgId");
    refusal.getJsonObject("error").put("retryAfterMs", retry);
    return refusal;
  }

  /**
   * {@code {pendingSends, pendingBound, queuedDeliveries, maxQueuedDeliveries, loopLagMillis, peakLoopLagMillis,
   * maxLoopLagMillis, refused, refusedBacklog, refusedLoopLag, refusedPending}}.
   */
  public JsonObject stats() {
    long refused = refusals.sum();
    long lagRefused = lagRefusals.sum();
    long backlogRefused = backlogRefusals.sum();
    return new JsonObject().put("pendingSends", pending.get()).put("pendingBound", pendingBound)
      .put("queuedDeliveries", queued.getAsLong()).put("maxQueuedDeliveries", maxQueued)
      .put("loopLagMillis", maxLag()).put("peakLoopLagMillis", peakLagMillis.get())
      .put("maxLoopLagMillis", maxLagMillis).put("refused", refused).put("refusedBacklog", backlogRefused)
      .put("refusedLoopLag", lagRefused).put("refusedPending", refused - lagRefused - backlogRefused);
  }
}
