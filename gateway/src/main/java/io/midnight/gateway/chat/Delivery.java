package io.midnight.gateway.chat;

import io.midnight.common.socketio.EventFrames;
import io.vertx.core.json.JsonObject;

/**
 * One message on its way to sockets, encoded once for all of a room's sockets of an event loop: {@code frame} is
 * the whole Engine.IO packet with the message's own id as offset, {@code 42["message",{...},"<id>"]}, which is what
 * a socket that is up to date sends; {@code prefix} is the Socket.IO packet before the offset, for the rare socket
 * whose offset is ahead (a replay interleaved with newer messages).
 */
record Delivery(long room, long id, long seq, String prefix, String frame) {

  /** From the bus delivery {@code {id, room, seq, from, fromId, text, ts}}; the client sees no {@code fromId}. */
  static Delivery of(JsonObject m) {
    long id = m.getLong("id");
    JsonObject wire = new JsonObject()
      .put("id", id)
      .put("room", m.getLong("room"))
      .put("seq", m.getLong("seq"))
      .put("from", m.getString("from"))
      .put("text", m.getString("text"))
      .put("ts", m.getLong("ts"));
    String prefix = EventFrames.prefix("message", wire);
    return new Delivery(m.getLong("room"), id, m.getLong("seq"), prefix,
      EventFrames.engine(EventFrames.withOffset(prefix, id)));
  }

  /** The packet with the connection-state-recovery offset as the last argument. */
  String withOffset(long offset) {
    return EventFrames.withOffset(prefix, offset);
  }
}
