package io.midnight.gateway.socketio;

import io.midnight.gateway.engine.EngineOptions;
import io.midnight.gateway.engine.EngineSession;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Socket.IO v5 on top of Engine.IO sessions: one {@link SocketIoConnection} per session, multiplexing the
 * registered namespaces. A connection that names no namespace within the connect timeout is closed.
 * Thread-safe registry; connections are confined to their session's context. The gateway runs one per instance
 * (event loop), each with that loop's namespaces, all counting into one {@link Counters}.
 */
public final class SocketIoServer implements Handler<EngineSession> {

  private final Vertx vertx;
  private final EngineOptions options;
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final Counters counters;

  /** A node's sockets and protocol errors, over all its instances. Thread-safe. */
  public static final class Counters {
    private final LongAdder sockets = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();

    public long sockets() {
      return sockets.sum();
    }

    /** Connections closed for a malformed packet. */
    public long protocolErrors() {
      return protocolErrors.sum();
    }
  }

  public SocketIoServer(Vertx vertx, EngineOptions options) {
    this(vertx, options, new Counters());
  }

  /** {@code options}: the connect timeout, the attachments per packet and the payload bound. */
  public SocketIoServer(Vertx vertx, EngineOptions options, Counters counters) {
    this.vertx = vertx;
    this.options = options;
    this.counters = counters;
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
    return options.connectTimeout();
  }

  int maxAttachments() {
    return options.maxAttachments();
  }

  int maxPayload() {
    return options.maxPayload();
  }

  void socketOpened() {
    counters.sockets.increment();
  }

  void socketClosed() {
    counters.sockets.decrement();
  }

  void protocolError() {
    counters.protocolErrors.increment();
  }

  @Override
  public void handle(EngineSession session) {
    new SocketIoConnection(this, session);
  }
}
