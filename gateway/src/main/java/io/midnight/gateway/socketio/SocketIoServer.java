package io.midnight.gateway.socketio;

import io.midnight.gateway.engine.EngineSession;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Socket.IO v5 on top of Engine.IO sessions: one {@link SocketIoConnection} per session, multiplexing the
 * registered namespaces. A connection that names no namespace within the connect timeout is closed.
 * Thread-safe registry; connections are confined to their session's context.
 */
public final class SocketIoServer implements Handler<EngineSession> {

  private final Vertx vertx;
  private final long connectTimeout;
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final LongAdder sockets = new LongAdder();
  private final LongAdder protocolErrors = new LongAdder();

  public SocketIoServer(Vertx vertx, long connectTimeout) {
    this.vertx = vertx;
    this.connectTimeout = connectTimeout;
  }

  public SocketIoServer namespace(String name, Namespace namespace) {
    namespaces.put(name, namespace);
    return this;
  }

  Namespace namespace(String name) {
    return namespaces.get(name);
  }

  Vertx vertx() {
    return vertx;
  }

  long connectTimeout() {
    return connectTimeout;
  }

  void socketOpened() {
    sockets.increment();
  }

  void socketClosed() {
    sockets.decrement();
  }

  void protocolError() {
    protocolErrors.increment();
  }

  public long sockets() {
    return sockets.sum();
  }

  /** Connections closed for a malformed packet. */
  public long protocolErrors() {
    return protocolErrors.sum();
  }

  @Override
  public void handle(EngineSession session) {
    new SocketIoConnection(this, session);
  }
}
