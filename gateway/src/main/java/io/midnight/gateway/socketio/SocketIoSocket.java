package io.midnight.gateway.socketio;

import io.midnight.common.socketio.SocketIoPacket;
import io.midnight.gateway.engine.EngineSession;
import io.midnight.gateway.engine.SharedFrame;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One client connected to one namespace. The namespace installs an event handler while it accepts the connect;
 * events arrive with an {@link Ack} when the client asked for one. Confined to its session's context.
 */
public final class SocketIoSocket {

  private static final SecureRandom RANDOM = new SecureRandom();
  /** The disconnect reason when the client left the namespace itself (DISCONNECT packet). */
  public static final String CLIENT_NAMESPACE_DISCONNECT = "client namespace disconnect";

  /** Answers one event: the arguments become the ACK packet's array. */
  @FunctionalInterface
  public interface Ack {
    void send(Object... args);
  }

  /** Handles one event; {@code ack} is null when the client asked for none. */
  @FunctionalInterface
  public interface EventHandler {
    void handle(String event, JsonArray args, Ack ack);
  }

  private final SocketIoConnection connection;
  private final String namespace;
  private String id;
  private EventHandler eventHandler = (event, args, ack) -> { };
  private Handler<String> disconnectHandler = reason -> { };
  private Runnable connectedHandler = () -> { };
  private boolean connected;
  /** What was sent while the namespace was still accepting (a recovery's replay): it follows the connect reply. */
  private List<Runnable> beforeConnect = new ArrayList<>();
  private boolean disconnected;

  SocketIoSocket(SocketIoConnection connection, String namespace) {
    this.connection = connection;
    this.namespace = namespace;
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    this.id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public String id() {
    return id;
  }

  /** Connection-state recovery: the socket takes back the id of the one it resumes (before the connect reply). */
  public void resumeId(String previousId) {
    if (connected) {
      throw new IllegalStateException("the socket id is fixed once connected");
    }
    this.id = previousId;
  }

  public String namespace() {
    return namespace;
  }

  public EngineSession engine() {
    return connection.engine();
  }

  public void eventHandler(EventHandler handler) {
    this.eventHandler = handler;
  }

  /** Called once with the reason when the socket leaves (client disconnect, transport close, server). */
  public void disconnectHandler(Handler<String> handler) {
    this.disconnectHandler = handler;
  }

  /** Runs right after the connect reply went out, before any event of the client is handled. */
  public void connectedHandler(Runnable handler) {
    this.connectedHandler = handler;
  }

  /** True once the namespace accepted the connect (the client has signed in). */
  boolean isConnected() {
    return connected && !disconnected;
  }

  void connected(JsonObject reply) {
    connected = true;
    connection.send(SocketIoPacket.connect(namespace, reply).encodeText());
    beforeConnect.forEach(Runnable::run);
    beforeConnect = null;
    connectedHandler.run();
  }

  /** Writes now, or right after the connect reply when the socket is not connected yet (as socket.io orders it). */
  private void write(Runnable write) {
    if (connected) {
      write.run();
    } else {
      beforeConnect.add(write);
    }
  }

  /** Emits an event; {@link Buffer} arguments travel as binary attachments. */
  public void emit(String event, Object... args) {
    JsonArray data = new JsonArray().add(event);
    for (Object arg : args) {
      data.add(arg);
    }
    send(SocketIoPacket.event(namespace, -1, data).encode());
  }

  /** Sends an already encoded Socket.IO packet (the fan-out encodes a delivery once for every socket). */
  public void sendEncoded(String packet) {
    if (!disconnected) {
      write(() -> connection.send(packet));
    }
  }

  /** Sends a whole Engine.IO packet already encoded for this namespace (the fan-out shares one per delivery). */
  public void sendFrame(String frame) {
    if (!disconnected) {
      write(() -> connection.engine().sendFrame(frame));
    }
  }

  /**
   * Sends a packet that many sockets of this event loop share (a room's delivery): on a WebSocket the same bytes.
   * Before the connect reply it is queued as text, since the shared bytes are released after the fan-out.
   */
  public void sendShared(SharedFrame frame) {
    if (disconnected) {
      return;
    }
    if (connected) {
      connection.engine().sendShared(frame);
    } else {
      String text = frame.text();
      write(() -> connection.engine().sendFrame(text));
    }
  }

  private void send(List<Object> frames) {
    if (disconnected) {
      return;
    }
    write(() -> {
      connection.send((String) frames.get(0));
      for (int i = 1; i < frames.size(); i++) {
        connection.sendBinary((Buffer) frames.get(i));
      }
    });
  }

  void onEvent(SocketIoPacket packet) {
    if (!connected || disconnected) {
      return;
    }
    long ackId = packet.ackId();
    Ack ack = ackId < 0 ? null : new Ack() {
      private boolean sent;

      @Override
      public void send(Object... args) {
        if (sent) {
          return;
        }
        sent = true;
        JsonArray data = new JsonArray();
        for (Object arg : args) {
          data.add(arg);
        }
        SocketIoSocket.this.send(SocketIoPacket.ack(namespace, ackId, data).encode());
      }
    };
    eventHandler.handle(packet.eventName(), packet.args(), ack);
  }

  /** Leaves the namespace from the server side; {@code closeTransport} also ends the whole connection. */
  public void disconnect(boolean closeTransport) {
    if (disconnected) {
      return;
    }
    if (closeTransport) {
      connection.engine().close("server disconnect", true);
      return;
    }
    connection.send(SocketIoPacket.disconnect(namespace).encodeText());
    connection.removed(this);
    onDisconnect("server namespace disconnect");
  }

  void onDisconnect(String reason) {
    if (disconnected) {
      return;
    }
    disconnected = true;
    if (connected) {
      connection.server().socketClosed();
    }
    disconnectHandler.handle(reason);
  }
}
