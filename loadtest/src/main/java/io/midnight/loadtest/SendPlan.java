package io.midnight.loadtest;

import io.vertx.core.json.JsonObject;

import java.util.Random;

/**
 * Every user's send times of one run as one value, so that a load worker in another process sends exactly what
 * this process would: sending from {@code first} to {@code end} (nanoTime) at one message per {@code interval}, the
 * users' grids spread over one interval; a midnight's {@code greetings} per user at random instants of
 * [{@code burstStart}, {@code burstEnd}), each user's drawn from its own seed. Immutable.
 */
record SendPlan(long first, long end, long interval, boolean midnight, long burstStart, long burstEnd, int greetings,
                long seed, int users) {

  static SendPlan steady(long first, long end, double ratePerUser, int users) {
    return new SendPlan(first, end, (long) (1e9 / ratePerUser), false, end, end, 0, 0, users);
  }

  static SendPlan midnight(long first, long end, double ratePerUser, int users, long burstStart, long burstEnd,
                           int greetings, long seed) {
    return new SendPlan(first, end, (long) (1e9 / ratePerUser), true, burstStart, burstEnd, greetings, seed, users);
  }

  /** User {@code user}'s schedule (0 <= user < users). */
  SendSchedule schedule(int user) {
    long start = first + interval * user / users;
    return midnight
      ? SendSchedule.midnight(start, interval, end, burstStart, burstEnd, greetings, new Random(mix(seed + user)))
      : SendSchedule.steady(start, interval, end);
  }

  /** How long sending lasts. */
  long sendingNanos() {
    return end - first;
  }

  /** Neighbouring seeds would start neighbouring {@link Random} sequences: each user's is scrambled apart. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** The plan with its times as wall-clock microseconds: what a worker is sent. */
  JsonObject toJson() {
    return new JsonObject().put("first", RunClock.wallMicros(first)).put("end", RunClock.wallMicros(end))
      .put("interval", interval).put("midnight", midnight).put("burstStart", RunClock.wallMicros(burstStart))
      .put("burstEnd", RunClock.wallMicros(burstEnd)).put("greetings", greetings).put("seed", seed)
      .put("users", users);
  }

  static SendPlan fromJson(JsonObject json) {
    return new SendPlan(RunClock.nanoTime(json.getLong("first")), RunClock.nanoTime(json.getLong("end")),
      json.getLong("interval"), json.getBoolean("midnight"), RunClock.nanoTime(json.getLong("burstStart")),
      RunClock.nanoTime(json.getLong("burstEnd")), json.getInteger("greetings"), json.getLong("seed"),
      json.getInteger("users"));
  }
}
