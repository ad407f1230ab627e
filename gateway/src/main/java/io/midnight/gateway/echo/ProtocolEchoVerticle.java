package io.midnight.gateway.echo;

import io.midnight.gateway.GatewayVerticle;
import io.midnight.gateway.engine.EngineOptions;
import io.midnight.gateway.engine.EngineServer;
import io.midnight.gateway.engine.EngineSession;
import io.midnight.gateway.socketio.Namespace;
import io.midnight.gateway.socketio.SocketIoServer;
import io.midnight.gateway.socketio.SocketIoSocket;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * Midnight's Engine.IO/Socket.IO stack with the handlers of socket.io's interoperability test server and no auth,
 * so any client or protocol test suite can be run against it. Namespaces {@code /} and {@code /custom}: on connect
 * the server emits {@code auth} with the CONNECT payload; {@code message} is echoed as {@code message-back}; an
 * event that asks for an ack is answered with its own arguments. With {@code engineIoEcho}, {@code /engine.io/}
 * echoes raw Engine.IO messages (text and binary).
 *
 * <p>Config: {@code host}, {@code port}, {@code pingInterval}, {@code pingTimeout}, {@code maxPayload},
 * {@code engineIoEcho}.
 */
public final class ProtocolEchoVerticle extends VerticleBase {

  private HttpServer server;

  @Override
  public Future<?> start() {
    JsonObject c = config();
    EngineOptions options = EngineOptions.fromConfig(c);
    SocketIoServer socketIo = new SocketIoServer(vertx, options)
      .namespace("/", echo())
      .namespace("/custom", echo());
    EngineServer socketIoEngine = new EngineServer(vertx, options, socketIo);
    EngineServer rawEngine = c.getBoolean("engineIoEcho", false)
      ? new EngineServer(vertx, options.withPath("/engine.io/"), ProtocolEchoVerticle::echoRaw) : null;
    server = vertx.createHttpServer(GatewayVerticle.socketServerOptions(options)
        .setHost(c.getString("host", "127.0.0.1")).setPort(c.getInteger("port", 3000)))
      .requestHandler(request -> {
        if (socketIoEngine.matches(request)) {
          socketIoEngine.handle(request);
        } else if (rawEngine != null && rawEngine.matches(request)) {
          rawEngine.handle(request);
        } else {
          request.response().setStatusCode(404).end("not found: this server answers " + options.path()
            + (rawEngine != null ? " and /engine.io/" : "") + "\n");
        }
      });
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private static Namespace echo() {
    return (SocketIoSocket socket, JsonObject auth) -> {
      socket.eventHandler((event, args, ack) -> {
        if (ack != null) {
          ack.send(args.getList().toArray());
        } else if ("message".equals(event)) {
          socket.emit("message-back", args.getList().toArray());
        }
      });
      socket.connectedHandler(() -> socket.emit("auth", auth));
      return Future.succeededFuture(null);
    };
  }

  private static void echoRaw(EngineSession session) {
    session.textHandler(session::sendMessage);
    session.binaryHandler(session::sendBinary);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
