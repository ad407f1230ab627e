package io.midnight.gateway.engine;

import io.micrometer.core.instrument.Counter;
import io.midnight.common.metrics.Meters;
import io.midnight.common.socketio.EnginePacket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Engine.IO v4 server at one path: handshakes over polling or WebSocket, routes later requests to their
 * session by {@code sid}, upgrades polling to WebSocket, and answers every protocol error with HTTP 400 and the
 * Engine.IO error body ({@code 0} transport unknown, {@code 1} session ID unknown, {@code 2} bad handshake method,
 * {@code 3} bad request, {@code 5} unsupported protocol version). New sessions go to {@code onSession}.
 *
 * <p>Thread-safe: the session map is concurrent and each request is handled on its session's context.
 */
public final class EngineServer {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final EngineOptions options;
  private final Handler<EngineSession> onSession;
  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  private final LongAdder opened = new LongAdder();
  private final LongAdder slowConsumers = new LongAdder();
  private final Counter slowConsumersMeter = Counter.builder("midnight.slow.consumers.disconnected")
    .description("sessions closed because their outbound queue passed its bound").register(Meters.registry());

  public EngineServer(Vertx vertx, EngineOptions options, Handler<EngineSession> onSession) {
    this.vertx = vertx;
    this.options = options;
    this.onSession = onSession;
  }

  public EngineOptions options() {
    return options;
  }

  Vertx vertx() {
    return vertx;
  }

  /** True for requests this server answers. */
  public boolean matches(HttpServerRequest request) {
    return request.path().equals(options.path()) || request.path().equals(options.path().substring(0,
      options.path().length() - 1));
  }

  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    if (!"4".equals(request.getParam("EIO"))) {
      badRequest(response, 5, "Unsupported protocol version");
      return;
    }
    String transport = request.getParam("transport");
    if (!"polling".equals(transport) && !"websocket".equals(transport)) {
      badRequest(response, 0, "Transport unknown");
      return;
    }
    if (request.method() == HttpMethod.OPTIONS) {
      response.setStatusCode(204).end();
      return;
    }
    String sid = request.getParam("sid");
    boolean upgradeRequest = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
    if ("websocket".equals(transport) && !upgradeRequest) {
      badRequest(response, 3, "Bad request");
      return;
    }
    if (sid == null) {
      if (!"websocket".equals(transport) && request.method() != HttpMethod.GET) {
        badRequest(response, 2, "Bad handshake method");
        return;
      }
      handshake(request, "websocket".equals(transport));
      return;
    }
    EngineSession session = sessions.get(sid);
    if (session == null) {
      badRequest(response, 1, "Session ID unknown");
      return;
    }
    if ("websocket".equals(transport)) {
      request.pause();
      onContext(session.context(), () -> request.toWebSocket().onSuccess(session::upgrade));
    } else if (!session.acceptsPolling()) {
      badRequest(response, 3, "Bad request");
    } else if (request.method() == HttpMethod.GET) {
      onContext(session.context(), () -> session.onPollGet(response));
    } else if (request.method() == HttpMethod.POST) {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      boolean tooLarge = length != null
        && (!length.matches("\\d{1,12}") || Long.parseLong(length) > options.maxPayload());
      Future<Buffer> body = tooLarge ? null : request.body();
      onContext(session.context(), () -> {
        if (tooLarge) {
          session.rejectTooLarge(response);
        } else {
          session.onPollPost(response, body);
        }
      });
    } else {
      badRequest(response, 3, "Bad request");
    }
  }

  private void handshake(HttpServerRequest request, boolean websocket) {
    Context context = vertx.getOrCreateContext();
    EngineSession session = new EngineSession(this, newSid(), context, request.params());
    String open = EnginePacket.of(EnginePacket.OPEN, new JsonObject()
      .put("sid", session.sid())
      .put("upgrades", websocket ? new JsonArray() : new JsonArray().add("websocket"))
      .put("pingInterval", options.pingInterval())
      .put("pingTimeout", options.pingTimeout())
      .put("maxPayload", options.maxPayload())
      .encode()).encodeText();
    if (websocket) {
      request.toWebSocket().onSuccess(ws -> {
        sessions.put(session.sid(), session);
        opened.increment();
        session.attachWebSocket(ws);
        ws.writeTextMessage(open);
        session.startHeartbeat();
        onSession.handle(session);
      });
    } else {
      sessions.put(session.sid(), session);
      opened.increment();
      request.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end(open);
      session.startHeartbeat();
      onSession.handle(session);
    }
  }

  static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  void remove(EngineSession session) {
    sessions.remove(session.sid(), session);
  }

  void countSlowConsumer() {
    slowConsumers.increment();
    slowConsumersMeter.increment();
  }

  /** {@code {sessions, opened, slowConsumerDisconnects}}. */
  public JsonObject stats() {
    long websocket = sessions.values().stream().filter(s -> "websocket".equals(s.transport())).count();
    return new JsonObject()
      .put("sessions", sessions.size())
      .put("websocket", websocket)
      .put("polling", sessions.size() - websocket)
      .put("opened", opened.sum())
      .put("slowConsumerDisconnects", slowConsumers.sum());
  }

  /** Closes every session (at shutdown). */
  public void closeAll(String reason) {
    sessions.values().forEach(s -> onContext(s.context(), () -> s.close(reason, true)));
  }

  private static String newSid() {
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static void badRequest(HttpServerResponse response, int code, String message) {
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(400).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", code).put("message", message).encode());
    }
  }
}
