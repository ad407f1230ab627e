package io.midnight.storage.sqlite;

import io.vertx.core.json.JsonObject;

/** What a durable append answers; a retry with the same key gets the same ack marked {@code duplicate}. */
record Ack(long id, long room, long seq, long ts, boolean duplicate) {

  Ack asDuplicate() {
    return new Ack(id, room, seq, ts, true);
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("seq", seq).put("ts", ts).put("room", room).put("duplicate", duplicate);
  }
}
