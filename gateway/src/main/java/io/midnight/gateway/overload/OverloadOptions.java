package io.midnight.gateway.overload;

import io.vertx.core.json.JsonObject;

/**
 * The {@code overload} config slice: how much work a gateway node takes on before it refuses new sends.
 *
 * @param maxPendingSends sends received and not yet answered, over the whole node; 0 derives it from the heap
 * @param maxLoopLagMillis how far behind its timers a gateway event loop may fall before sends are refused
 */
public record OverloadOptions(int maxPendingSends, long maxLoopLagMillis) {

  public static final int DEFAULT_MAX_PENDING_SENDS = 0;
  public static final long DEFAULT_MAX_LOOP_LAG_MILLIS = 200;
  /** What a pending send may hold across the node once its fan-out is counted: its text and a frame per loop. */
  static final long BYTES_PER_PENDING_SEND = 256 * 1024;
  static final int MIN_PENDING_SENDS = 256;
  static final int MAX_DERIVED_PENDING_SENDS = 8_192;

  public OverloadOptions {
    if (maxPendingSends < 0) {
      throw new IllegalArgumentException("overload.maxPendingSends must be >= 0 (0: from the heap), got "
        + maxPendingSends);
    }
    if (maxLoopLagMillis < 10) {
      throw new IllegalArgumentException("overload.maxLoopLagMillis must be >= 10, got " + maxLoopLagMillis);
    }
  }

  public static OverloadOptions fromConfig(JsonObject config) {
    JsonObject c = config.getJsonObject("overload", new JsonObject());
    return new OverloadOptions(c.getInteger("maxPendingSends", DEFAULT_MAX_PENDING_SENDS),
      c.getLong("maxLoopLagMillis", DEFAULT_MAX_LOOP_LAG_MILLIS));
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
