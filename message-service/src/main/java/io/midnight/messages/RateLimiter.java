package io.midnight.messages;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per user: {@code burst} tokens, refilled at {@code ratePerSecond}. Time is passed in, so tests
 * control it. Event-loop only (not thread-safe). Buckets that have refilled completely are forgotten by
 * {@link #forgetIdle}, so memory follows active senders, not all users.
 */
final class RateLimiter {

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  private final double perNano;
  private final int burst;
  private final Map<Long, Bucket> buckets = new HashMap<>();

  RateLimiter(double ratePerSecond, int burst) {
    this.perNano = ratePerSecond / 1e9;
    this.burst = burst;
  }

  /** Takes one token; returns 0 when allowed, else the nanoseconds until one is available. */
  long acquire(long userId, long nowNanos) {
    Bucket bucket = buckets.get(userId);
    if (bucket == null) {
      bucket = new Bucket();
      bucket.tokens = burst;
      bucket.updatedNanos = nowNanos;
      buckets.put(userId, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (nowNanos - bucket.updatedNanos) * perNano);
    bucket.updatedNanos = nowNanos;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - bucket.tokens) / perNano);
  }

  void forgetIdle(long nowNanos) {
    buckets.values().removeIf(b -> b.tokens + (nowNanos - b.updatedNanos) * perNano >= burst);
  }

  int size() {
    return buckets.size();
  }
}
