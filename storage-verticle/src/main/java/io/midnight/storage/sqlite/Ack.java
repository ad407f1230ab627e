package io.midnight.storage.sqlite;

import io.vertx.core.json.JsonObject;

/** What a durable append answers, and what a retry with the same key answers again. */
record Ack(long id, long room, long seq, long ts) {

  JsonObject toJson(boolean duplicate) {
    return new JsonObject().put("id", id).put("seq", seq).put("ts", ts).put("room", room).put("duplicate", duplicate);
  }
}
