package io.midnight.common.limit;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per key: {@code burst} tokens, refilled at {@code ratePerSecond}. Time is passed in, so tests
 * control it. Confined to one thread (a verticle's context). Buckets that have refilled completely are forgotten
 * by {@link #forgetIdle}, so memory follows the keys that spent something lately, not every key ever seen.
 */
public final class TokenBuckets<K> {

  private static final class Bucket {
    double tokens;
    long updatedNanos;
  }

  private final double perNano;
  private final int burst;
  private final Map<K, Bucket> buckets = new HashMap<>();

  public TokenBuckets(double ratePerSecond, int burst) {
    if (!(ratePerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1, got "
        + ratePerSecond + "/s and " + burst);
    }
    this.perNano = ratePerSecond / 1e9;
    this.burst = burst;
  }

  /** Takes one token; returns 0 when allowed, else the nanoseconds until one is available. */
  public long acquire(K key, long nowNanos) {
    return acquire(key, 1, nowNanos);
  }

  /** Takes {@code cost} tokens when there are that many; else takes none and returns the nanoseconds to wait. */
  public long acquire(K key, int cost, long nowNanos) {
    long wait = waitNanos(key, cost, nowNanos);
    if (wait == 0) {
      bucket(key, nowNanos).tokens -= cost;
    }
    return wait;
  }

  /** The nanoseconds until {@code cost} tokens are there (0: now), taking nothing. */
  public long waitNanos(K key, int cost, long nowNanos) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      return cost <= burst ? 0 : Long.MAX_VALUE;
    }
    refill(bucket, nowNanos);
    return bucket.tokens >= cost ? 0 : (long) Math.ceil((cost - bucket.tokens) / perNano);
  }

  /** Gives the key a full bucket again (e.g. a login that succeeded). */
  public void reset(K key) {
    buckets.remove(key);
  }

  public void forgetIdle(long nowNanos) {
    buckets.values().removeIf(b -> b.tokens + (nowNanos - b.updatedNanos) * perNano >= burst);
  }

  public int size() {
    return buckets.size();
  }

  private Bucket bucket(K key, long nowNanos) {
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      bucket = new Bucket();
      bucket.tokens = burst;
      bucket.updatedNanos = nowNanos;
      buckets.put(key, bucket);
    }
    return bucket;
  }

  private void refill(Bucket bucket, long nowNanos) {
    bucket.tokens = Math.min(burst, bucket.tokens + (nowNanos - bucket.updatedNanos) * perNano);
    bucket.updatedNanos = nowNanos;
  }
}
