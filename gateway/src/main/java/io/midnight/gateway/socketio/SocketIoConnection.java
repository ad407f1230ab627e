package io.midnight.gateway.socketio;

import io.midnight.common.socketio.SocketIoPacket;
import io.midnight.gateway.engine.EngineSession;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Socket.IO side of one Engine.IO session: decodes packets (reassembling binary ones from their attachment
 * frames), connects namespaces, and dispatches events and acks to their {@link SocketIoSocket}. A packet that
 * does not decode closes the session with the reason; the server and other sessions carry on.
 *
 * <p>What a connection holds for a client is bounded before it has signed in: a binary packet is accepted only on a
 * namespace the client has joined, with at most {@code maxAttachments} attachments and, with them, at most
 * {@code maxPayload} bytes; anything else closes the session (socket.io-client sends events only once connected).
 * Confined to the session's context.
 */
final class SocketIoConnection {

  private final SocketIoServer server;
  private final EngineSession engine;
  private final Map<String, SocketIoSocket> sockets = new HashMap<>();
  private SocketIoPacket partial;
  private long partialBytes;
  private final List<Buffer> attachments = new ArrayList<>();
  private final long connectTimer;

  SocketIoConnection(SocketIoServer server, EngineSession engine) {
    this.server = server;
    this.engine = engine;
    engine.textHandler(this::onText);
    engine.binaryHandler(this::onBinary);
    engine.closeHandler(this::onClose);
    connectTimer = server.vertx().setTimer(server.connectTimeout(), t -> {
      if (sockets.isEmpty()) {
        engine.close("connect timeout: no namespace joined within " + server.connectTimeout() + " ms", true);
      }
    });
  }

  EngineSession engine() {
    return engine;
  }

  private void onText(String text) {
    if (partial != null) {
      protocolError("text packet while binary attachments were expected");
      return;
    }
    SocketIoPacket packet;
    try {
      packet = SocketIoPacket.decode(text);
    } catch (IllegalArgumentException e) {
      protocolError(e.getMessage());
      return;
    }
    if (packet.attachments() > 0) {
      SocketIoSocket socket = sockets.get(packet.namespace());
      if (packet.attachments() > server.maxAttachments()) {
        protocolError(packet.attachments() + " binary attachments announced, at most " + server.maxAttachments());
      } else if (socket == null || !socket.isConnected()) {
        protocolError("a binary packet before the namespace " + packet.namespace() + " was joined");
      } else {
        partial = packet;
        partialBytes = text.length();
        attachments.clear();
      }
    } else {
      dispatch(packet);
    }
  }

  private void onBinary(Buffer bytes) {
    if (partial == null) {
      protocolError("binary frame without a binary packet");
      return;
    }
    partialBytes += bytes.length();
    if (partialBytes > server.maxPayload()) {
      partial = null;
      attachments.clear();
      protocolError("a binary packet and its attachments passed maxPayload (" + server.maxPayload() + " bytes)");
      return;
    }
    attachments.add(bytes);
    if (attachments.size() == partial.attachments()) {
      SocketIoPacket packet;
      try {
        packet = partial.withAttachments(List.copyOf(attachments));
      } catch (IllegalArgumentException e) {
        protocolError(e.getMessage());
        return;
      } finally {
        partial = null;
        attachments.clear();
      }
      dispatch(packet);
    }
  }

  private void dispatch(SocketIoPacket packet) {
    String nsp = packet.namespace();
    SocketIoSocket socket = sockets.get(nsp);
    switch (packet.type()) {
      case SocketIoPacket.CONNECT -> connect(nsp, packet.data() == null ? new JsonObject() : (JsonObject) packet.data());
      case SocketIoPacket.DISCONNECT -> {
        if (socket != null) {
          sockets.remove(nsp);
          socket.onDisconnect(SocketIoSocket.CLIENT_NAMESPACE_DISCONNECT);
        }
      }
      case SocketIoPacket.EVENT, SocketIoPacket.BINARY_EVENT -> {
        if (socket != null) {
          socket.onEvent(packet);
        }
      }
      case SocketIoPacket.ACK, SocketIoPacket.BINARY_ACK -> {
        // the server never asks clients for acks; an unexpected one is ignored, as the official server does
      }
      default -> protocolError("a client may not send packets of type " + packet.type());
    }
  }

  private void connect(String nsp, JsonObject auth) {
    Namespace namespace = server.namespace(nsp);
    if (namespace == null) {
      send(SocketIoPacket.connectError(nsp, "Invalid namespace").encodeText());
      return;
    }
    if (sockets.containsKey(nsp)) {
      return; // already connected: a repeated CONNECT changes nothing
    }
    SocketIoSocket socket = new SocketIoSocket(this, nsp);
    sockets.put(nsp, socket);
    namespace.connect(socket, auth).onComplete(ar -> {
      if (!engine.isOpen() || sockets.get(nsp) != socket) {
        return;
      }
      if (ar.succeeded()) {
        server.vertx().cancelTimer(connectTimer);
        server.socketOpened();
        JsonObject reply = new JsonObject().put("sid", socket.id());
        if (ar.result() != null) {
          reply.mergeIn(ar.result());
        }
        socket.connected(reply);
      } else {
        sockets.remove(nsp);
        send(SocketIoPacket.connectError(nsp, String.valueOf(ar.cause().getMessage())).encodeText());
        if (sockets.isEmpty()) {
          engine.close("connect refused: " + ar.cause().getMessage(), true);
        }
      }
    });
  }

  void send(String text) {
    engine.sendMessage(text);
  }

  void sendBinary(Buffer bytes) {
    engine.sendBinary(bytes);
  }

  /** A socket left its namespace from the server side. */
  void removed(SocketIoSocket socket) {
    sockets.remove(socket.namespace(), socket);
  }

  private void protocolError(String reason) {
    server.protocolError();
    engine.close("parse error: " + reason, true);
  }

  private void onClose(String reason) {
    server.vertx().cancelTimer(connectTimer);
    List<SocketIoSocket> open = List.copyOf(sockets.values());
    sockets.clear();
    open.forEach(s -> s.onDisconnect(reason));
  }

  SocketIoServer server() {
    return server;
  }
}
