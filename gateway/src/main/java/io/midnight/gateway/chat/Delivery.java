package io.midnight.gateway.chat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * One message on its way to sockets: {@code prefix} is the Socket.IO packet up to the last argument,
 * {@code 2["message",{"id",...}}, encoded once for all of a room's sockets; each socket appends its offset.
 */
record Delivery(long room, long id, long seq, String prefix) {

  /** From the bus delivery {@code {id, room, seq, from, fromId, text, ts}}; the client sees no {@code fromId}. */
  static Delivery of(JsonObject m) {
    JsonObject wire = new JsonObject()
      .put("id", m.getLong("id"))
      .put("room", m.getLong("room"))
      .put("seq", m.getLong("seq"))
      .put("from", m.getString("from"))
      .put("text", m.getString("text"))
      .put("ts", m.getLong("ts"));
    return new Delivery(m.getLong("room"), m.getLong("id"), m.getLong("seq"), "2[\"message\"," + Json.encode(wire));
  }

  /** The packet with the connection-state-recovery offset as the last argument. */
  String withOffset(long offset) {
    return prefix + ",\"" + offset + "\"]";
  }
}
