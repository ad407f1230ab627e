package io.midnight.common.socketio;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The text frames of the default namespace, built without a JSON tree per frame: the one place clients, benchmark
 * servers and the gateway's fan-out write the wire by string (the gateway's general path is {@link SocketIoPacket}).
 *
 * <p>Server events built once and finished per socket: the fan-out encodes a delivery's
 * {@link #prefix} once ({@code 2["message",{...}}) and each socket closes it with its connection-state-recovery
 * offset ({@code ,"<offset>"]}) or without one. {@link #engine} makes the Engine.IO message packet a WebSocket
 * frame carries ({@code 4} + the Socket.IO packet). Equal to what {@link SocketIoPacket#event} encodes, without
 * building a JSON array per socket.
 */
public final class EventFrames {

  /** Engine.IO ping and pong, as WebSocket frames. */
  public static final String PING = String.valueOf(EnginePacket.PING);
  public static final String PONG = String.valueOf(EnginePacket.PONG);
  /** A client's Socket.IO CONNECT to the default namespace, without auth data: {@code 40}. */
  public static final String CONNECT = engine(SocketIoPacket.connect(SocketIoPacket.DEFAULT_NAMESPACE, null)
    .encodeText());

  private EventFrames() {
  }

  /** A server's answer to {@link #CONNECT}: {@code 40{"sid":"<sid>"}}. */
  public static String connected(String sid) {
    return engine(SocketIoPacket.connect(SocketIoPacket.DEFAULT_NAMESPACE, new JsonObject().put("sid", sid))
      .encodeText());
  }

  /**
   * An event asking for an ack, its one argument already JSON: {@code 42<ackId>["<event>",<argument>]}. For a
   * client that writes its arguments by hand because it sends tens of thousands a second.
   */
  public static String rawEvent(long ackId, String event, String argumentJson) {
    return String.valueOf(EnginePacket.MESSAGE) + SocketIoPacket.EVENT + ackId + "[" + Json.encode(event) + ","
      + argumentJson + "]";
  }

  /** An event asking for an ack: {@code 42<ackId>["<event>",<argument as JSON>]}. */
  public static String event(long ackId, String event, Object argument) {
    return engine(SocketIoPacket.event(SocketIoPacket.DEFAULT_NAMESPACE, ackId, new JsonArray().add(event)
      .add(argument)).encodeText());
  }

  /** The ack of an event: {@code 43<ackId>[<body as JSON>]}. */
  public static String ack(long ackId, Object body) {
    return engine(SocketIoPacket.ack(SocketIoPacket.DEFAULT_NAMESPACE, ackId, new JsonArray().add(body))
      .encodeText());
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
