package io.midnight.loadtest;

import java.util.Arrays;
import java.util.Random;

/**
 * When one user sends (System.nanoTime values): an open model, fixed in advance, so a slow server cannot slow the
 * sending down. Steady: one message every {@code interval} from {@code first}. Midnight: the same base grid before
 * and after the burst window, nothing of it inside the window, and in the window the user's greetings, each at its
 * own random instant: every user greets at 00:00 whatever its base rate, even one whose next base send would fall
 * after the run. Immutable.
 */
final class SendSchedule {

  private static final long[] NONE = new long[0];

  private final long first;
  private final long interval;
  private final long end;
  private final long burstStart;
  private final long burstEnd;
  /** The greetings' instants, strictly increasing, inside [burstStart, burstEnd). */
  private final long[] burst;

  private SendSchedule(long first, long interval, long end, long burstStart, long burstEnd, long[] burst) {
    this.first = first;
    this.interval = Math.max(1, interval);
    this.end = end;
    this.burstStart = burstStart;
    this.burstEnd = burstEnd;
    this.burst = burst;
  }

  static SendSchedule steady(long first, long interval, long end) {
    return new SendSchedule(first, interval, end, end, end, NONE);
  }

  /** {@code greetings} sends at random instants of [burstStart, burstEnd), the base grid outside it. */
  static SendSchedule midnight(long first, long interval, long end, long burstStart, long burstEnd, int greetings,
                               Random random) {
    long window = Math.max(1, burstEnd - burstStart);
    long[] burst = new long[greetings];
    for (int i = 0; i < greetings; i++) {
      burst[i] = burstStart + (long) (random.nextDouble() * window);
    }
    Arrays.sort(burst);
    for (int i = 1; i < burst.length; i++) {
      burst[i] = Math.max(burst[i], burst[i - 1] + 1); // two greetings never share an instant
    }
    return new SendSchedule(first, interval, end, burstStart, burstEnd, burst);
  }

  long end() {
    return end;
  }

  /** Whether a send scheduled at {@code at} is one of the burst's greetings. */
  boolean inBurst(long at) {
    return at >= burstStart && at < burstEnd;
  }

  /** The first send; at or past {@link #end()} means none. A greeting may come before the user's base grid starts. */
  long start() {
    return Math.min(baseAtOrAfter(first), burst.length == 0 ? end : Math.min(burst[0], end));
  }

  /** The send after one at {@code at}; at or past {@link #end()} means no more. */
  long next(long at) {
    return Math.min(baseAtOrAfter(at + 1), burstAtOrAfter(at + 1));
  }

  private long baseAtOrAfter(long t) {
    long at = t <= first ? first : first + ceilDiv(t - first, interval) * interval;
    if (inBurst(at)) {
      at = first + ceilDiv(burstEnd - first, interval) * interval; // the grid resumes after the window
    }
    return Math.min(at, end);
  }

  private long burstAtOrAfter(long t) {
    int i = Arrays.binarySearch(burst, t);
    int index = i >= 0 ? i : -i - 1;
    return index < burst.length ? Math.min(burst[index], end) : end;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
