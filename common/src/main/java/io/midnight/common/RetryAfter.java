package io.midnight.common;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What a client does with a refusal's {@code retryAfterMs} (README, "A spike is refused, not queued"): waits that
 * long plus up to a fifth more (at least 20 ms), so that clients refused in the same millisecond do not all come
 * back in the same one. Used by the load tool and the fan-out bench alike.
 */
public final class RetryAfter {

  private RetryAfter() {
  }

  /** The wait before resending a message refused with {@code retryAfterMs}. */
  public static long delayMillis(long retryAfterMs) {
    long wait = Math.max(0, retryAfterMs);
    return wait + ThreadLocalRandom.current().nextLong(Math.max(20, wait / 5) + 1);
  }
}
