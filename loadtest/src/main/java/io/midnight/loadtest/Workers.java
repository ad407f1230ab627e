package io.midnight.loadtest;

/**
 * Where a run's users go when they do not all fit in this process: {@code local} worker processes started on this
 * machine and {@code remote} ones awaited (started elsewhere with {@code midnight load-worker --coordinator URL}),
 * both coordinated over the control channel on {@code controlHost:controlPort} (port 0: any free one).
 */
public record Workers(int local, int remote, String controlHost, int controlPort) {

  public Workers {
    if (local < 0 || remote < 0 || local + remote < 1) {
      throw new IllegalArgumentException("load workers: at least one, none negative; got " + local + " local and "
        + remote + " remote");
    }
    if (controlPort < 0 || controlPort > 65_535) {
      throw new IllegalArgumentException("the control port must be 0 to 65535; got " + controlPort);
    }
  }

  /** {@code count} local workers, the control channel on loopback. */
  public static Workers local(int count) {
    return new Workers(count, 0, "127.0.0.1", 0);
  }

  /** The workers {@code users} need at {@code usersPerWorker} each (0: they fit in this process). */
  public static int needed(int users, int usersPerWorker) {
    if (usersPerWorker < 1) {
      throw new IllegalArgumentException("users per worker must be at least 1; got " + usersPerWorker);
    }
    return users <= usersPerWorker ? 0 : (users + usersPerWorker - 1) / usersPerWorker;
  }

  public int total() {
    return local + remote;
  }
}
