package io.midnight.loadtest;

import java.time.Instant;

/**
 * This process's {@code System.nanoTime} as wall-clock microseconds and back, for times that cross processes: a
 * greeting's scheduled time read by a receiver in another load worker, a plan's 00:00 sent to a worker. Workers on
 * other machines need clocks kept in step (NTP); on one machine the processes share the wall clock.
 */
final class RunClock {

  /** Wall-clock microseconds minus nanoTime / 1000, sampled once: both clocks then advance together. */
  private static final long OFFSET_MICROS = offset();

  private RunClock() {
  }

  private static long offset() {
    Instant now = Instant.now();
    long nanoTime = System.nanoTime();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000 - Math.floorDiv(nanoTime, 1_000);
  }

  /** The wall-clock time (epoch microseconds) of the nanoTime value {@code nanoTime}. */
  static long wallMicros(long nanoTime) {
    return Math.floorDiv(nanoTime, 1_000) + OFFSET_MICROS;
  }

  /** The nanoTime value of the wall-clock time {@code wallMicros} (epoch microseconds). */
  static long nanoTime(long wallMicros) {
    return (wallMicros - OFFSET_MICROS) * 1_000;
  }
}
