package io.midnight.gateway.chat;

import io.midnight.common.socketio.EnginePacket;
import io.midnight.common.socketio.EventFrames;
import io.midnight.common.socketio.SocketIoPacket;
import io.midnight.gateway.engine.SharedFrame;
import io.vertx.core.json.JsonObject;

/**
 * Runs the gateway's per-message codec work (a client's send decoded, its bus request built, the delivery encoded
 * to its Engine.IO text and WebSocket frame, presence) on made-up messages before the node serves, so that the JIT
 * has compiled it when the first spike comes. A cold node otherwise compiles it under load, on the cores the load
 * needs (bench/README.md, "The first seconds"). Touches no socket, bus or store.
 */
public final class CodecWarmUp {

  private CodecWarmUp() {
  }

  /** {@code rounds} made-up messages; answers a checksum so that the work cannot be optimised away. */
  public static long run(int rounds) {
    long sum = 0;
    for (int i = 0; i < rounds; i++) {
      String text = "🎆 Happy New Year from warm-up " + i + "!";
      EnginePacket engine = EnginePacket.decodeText(EventFrames.rawEvent(i % 64, "message", "{\"room\":"
        + (1 + i % 10) + ",\"text\":\"" + text + "\",\"clientMsgId\":\"w-" + i + "\"}"));
      SocketIoPacket packet = SocketIoPacket.decode(engine.text());
      JsonObject body = packet.args().getJsonObject(0);
      JsonObject request = new JsonObject().put("roomId", body.getLong("room")).put("userId", (long) i)
        .put("username", "warm_up").put("text", body.getString("text")).put("clientMsgId", body.getString("clientMsgId"));
      Delivery delivery = Delivery.of(new JsonObject().put("id", (long) i + 1).put("room", request.getLong("roomId"))
        .put("seq", (long) i + 1).put("from", "warm_up").put("fromId", (long) i).put("text", request.getString("text"))
        .put("ts", System.currentTimeMillis()));
      SharedFrame frame = new SharedFrame(delivery.frame());
      try {
        sum += frame.byteSize();
      } finally {
        frame.release();
      }
      sum += delivery.withOffset(i).length() + EventFrames.engine(EventFrames.withoutOffset(EventFrames.prefix(
        "presence", new JsonObject().put("room", delivery.room()).put("online", i)))).length();
    }
    return sum;
  }
}
