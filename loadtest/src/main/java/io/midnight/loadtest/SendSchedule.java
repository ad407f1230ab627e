package io.midnight.loadtest;

/**
 * When one user sends (System.nanoTime values): an open model, fixed in advance, so a slow server cannot slow the
 * sending down. Steady: one message every {@code interval}. Midnight: the base interval until 00:00, then
 * {@code multiplier} times as often during the burst window, then the base interval again. Immutable.
 */
record SendSchedule(long first, long interval, long end, long burstStart, long burstEnd, long burstInterval) {

  static SendSchedule steady(long first, long interval, long end) {
    return new SendSchedule(first, interval, end, end, end, interval);
  }

  static SendSchedule midnight(long first, long interval, long end, long burstStart, long burstEnd, double multiplier) {
    return new SendSchedule(first, interval, end, burstStart, burstEnd, Math.max(1, (long) (interval / multiplier)));
  }

  /** The send after one at {@code at}; at or past {@code end} means no more. */
  long next(long at) {
    long step = at >= burstStart && at < burstEnd ? burstInterval : interval;
    long next = at + step;
    if (at < burstStart && next > burstStart) {
      next = burstStart + (next - burstStart) / Math.max(1, interval / burstInterval); // enter the burst at its pace
    } else if (at < burstEnd && next >= burstEnd && at >= burstStart) {
      next = first + ((burstEnd - first + interval - 1) / interval) * interval; // back on this user's base grid
    }
    return next;
  }
}
