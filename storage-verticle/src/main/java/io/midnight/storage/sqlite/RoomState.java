package io.midnight.storage.sqlite;

import io.vertx.core.json.JsonObject;

/** The writer's view of one room: derived from disk at start, then kept current by the writer thread alone. */
final class RoomState {

  final long id;
  final String name;
  long lastSeq;
  long members;

  RoomState(long id, String name, long lastSeq, long members) {
    this.id = id;
    this.name = name;
    this.lastSeq = lastSeq;
    this.members = members;
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("members", members);
  }
}
