package io.midnight.common.socketio;

import io.vertx.core.json.Json;

/**
 * Server events of the default namespace built once and finished per socket: the fan-out encodes a delivery's
 * {@link #prefix} once ({@code 2["message",{...}}) and each socket closes it with its connection-state-recovery
 * offset ({@code ,"<offset>"]}) or without one. {@link #engine} makes the Engine.IO message packet a WebSocket
 * frame carries ({@code 4} + the Socket.IO packet). Equal to what {@link SocketIoPacket#event} encodes, without
 * building a JSON array per socket.
 */
public final class EventFrames {

  private EventFrames() {
  }

  /** {@code 2["<event>",<argument as JSON>}: an event packet left open for its last argument. */
  public static String prefix(String event, Object argument) {
    return SocketIoPacket.EVENT + "[" + Json.encode(event) + "," + Json.encode(argument);
  }

  /** The packet with the recovery offset as its last argument: {@code prefix,"<offset>"]}. */
  public static String withOffset(String prefix, long offset) {
    return prefix + ",\"" + offset + "\"]";
  }

  /** The packet without an offset: {@code prefix]}. */
  public static String withoutOffset(String prefix) {
    return prefix + "]";
  }

  /** The Engine.IO message packet carrying a Socket.IO packet: {@code 4<packet>}. */
  public static String engine(String socketIoPacket) {
    return EnginePacket.MESSAGE + socketIoPacket;
  }
}
