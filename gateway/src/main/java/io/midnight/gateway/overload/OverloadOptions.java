package io.midnight.gateway.overload;

import io.midnight.common.config.Defaults;
import io.vertx.core.json.JsonObject;

/**
 * The {@code overload} config slice: how much work a gateway node takes on before it refuses new sends.
 *
 * @param maxPendingSends sends received and not yet answered, over the whole node; 0 derives it from the heap
 * @param maxLoopLagMillis how far behind its timers a gateway event loop may fall before sends are refused. The
 *                         default, 1 s: a loop fanning out a midnight's backlog in slices runs its timers some 0.5 s
 *                         late on two cores (README, "Overload"), which is the backlog being worked off (bounded by
 *                         {@code maxQueuedDeliveries}); a loop a second behind is starved of CPU, and a send would
 *                         wait for that on every hop
 * @param maxQueuedDeliveries deliveries stored and not yet handed to this node's sockets (the fan-out backlog). The
 *                         default, 4,000,000, is about 13 s of one node's fan-out on two cores (~300,000
 *                         deliveries/s): how late a delivery may come
 */
public record OverloadOptions(int maxPendingSends, long maxLoopLagMillis, long maxQueuedDeliveries) {

  /** What a pending send may hold across the node: its request, its text (<= 2,000 chars), its ack, a frame per loop. */
  static final long BYTES_PER_PENDING_SEND = 64 * 1024;
  static final int MIN_PENDING_SENDS = 256;
  static final int MAX_DERIVED_PENDING_SENDS = 32_768;

  public OverloadOptions {
    if (maxPendingSends < 0) {
      throw new IllegalArgumentException("overload.maxPendingSends must be >= 0 (0: from the heap), got "
        + maxPendingSends);
    }
    if (maxLoopLagMillis < 10) {
      throw new IllegalArgumentException("overload.maxLoopLagMillis must be >= 10, got " + maxLoopLagMillis);
    }
    if (maxQueuedDeliveries < 1) {
      throw new IllegalArgumentException("overload.maxQueuedDeliveries must be >= 1, got " + maxQueuedDeliveries);
    }
  }

  public static OverloadOptions fromConfig(JsonObject config) {
    JsonObject c = Defaults.section(config, "overload");
    return new OverloadOptions(c.getInteger("maxPendingSends"), c.getLong("maxLoopLagMillis"),
      c.getLong("maxQueuedDeliveries"));
  }

  /**
   * The configured bound, or one derived from the heap: a quarter of it divided by what a pending send may hold,
   * between {@value #MIN_PENDING_SENDS} and {@value #MAX_DERIVED_PENDING_SENDS} (past that many, a node is
   * minutes behind anyway, and a client is better told to come back).
   */
  public int pendingSendsBound(long maxHeapBytes) {
    if (maxPendingSends > 0) {
      return maxPendingSends;
    }
    long derived = maxHeapBytes / 4 / BYTES_PER_PENDING_SEND;
    return (int) Math.max(MIN_PENDING_SENDS, Math.min(MAX_DERIVED_PENDING_SENDS, derived));
  }
}
