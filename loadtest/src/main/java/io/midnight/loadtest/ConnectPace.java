package io.midnight.loadtest;

import io.vertx.core.json.JsonObject;

/**
 * Connects spread evenly over a time (a connect storm): user i of {@code users} starts connecting no earlier than
 * {@code start + span * i / users} (nanoTime).
 */
record ConnectPace(long start, long span, int users) {

  long notBefore(int user) {
    return start + span * user / users;
  }

  /** With its start as wall-clock microseconds: what a worker is sent. */
  JsonObject toJson() {
    return new JsonObject().put("start", RunClock.wallMicros(start)).put("span", span).put("users", users);
  }

  static ConnectPace fromJson(JsonObject json) {
    return json == null ? null
      : new ConnectPace(RunClock.nanoTime(json.getLong("start")), json.getLong("span"), json.getInteger("users"));
  }
}
