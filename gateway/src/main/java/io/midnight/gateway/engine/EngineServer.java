package io.midnight.gateway.engine;

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

/**
 * The Engine.IO v4 server at one path: handshakes over polling or WebSocket, routes later requests to their
 * session by {@code sid}, upgrades polling to WebSocket, and answers every protocol error with HTTP 400 and the
 * Engine.IO error body ({@code 0} transport unknown, {@code 1} session ID unknown, {@code 2} bad handshake method,
 * {@code 3} bad request, {@code 5} unsupported protocol version). New sessions go to {@code onSession}.
 *
 * <p>One per gateway instance (event loop), all of a node's sharing one {@link SessionRegistry}: a new session lives
 * on the loop of the instance that took its handshake, and a later request of it, wherever it arrives, is handled
 * on that loop.
 */
public final class EngineServer {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final EngineOptions options;
  private final Handler<EngineSession> onSession;
  private final SessionRegistry sessions;
  private final Context context;
  private final LoopFlusher flusher;

  /** A server with a registry of its own (a single instance). */
  public EngineServer(Vertx vertx, EngineOptions options, Handler<EngineSession> onSession) {
    this(vertx, options, new SessionRegistry(), onSession);
  }

  /** Created on the instance's context: its sessions live there. */
  public EngineServer(Vertx vertx, EngineOptions options, SessionRegistry sessions, Handler<EngineSession> onSession) {
    this.vertx = vertx;
    this.options = options;
    this.sessions = sessions;
    this.onSession = onSession;
    this.context = vertx.getOrCreateContext();
    this.flusher = new LoopFlusher(context);
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
    Context here = Vertx.currentContext();
    if ("websocket".equals(transport)) {
      request.toWebSocket().onSuccess(ws -> session.acceptUpgrade(ws, here));
    } else if (!session.acceptsPolling()) {
      badRequest(response, 3, "Bad request");
    } else if (request.method() == HttpMethod.GET) {
      PollResponse poll = new PollResponse(request, here);
      onContext(session.context(), () -> session.onPollGet(poll));
    } else if (request.method() == HttpMethod.POST) {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      boolean tooLarge = length != null
        && (!length.matches("\\d{1,12}") || Long.parseLong(length) > options.maxPayload());
      Future<Buffer> body = tooLarge ? null : BoundedBody.read(request, options.maxPayload());
      PollResponse poll = new PollResponse(request, here);
      onContext(session.context(), () -> {
        if (tooLarge) {
          session.rejectTooLarge(poll);
        } else {
          session.onPollPost(poll, body);
        }
      });
    } else {
      badRequest(response, 3, "Bad request");
    }
  }

  private void handshake(HttpServerRequest request, boolean websocket) {
    EngineSession session = new EngineSession(this, newSid(), context, flusher, request.params());
    String open = EnginePacket.of(EnginePacket.OPEN, new JsonObject()
      .put("sid", session.sid())
      .put("upgrades", websocket ? new JsonArray() : new JsonArray().add("websocket"))
      .put("pingInterval", options.pingInterval())
      .put("pingTimeout", options.pingTimeout())
      .put("maxPayload", options.maxPayload())
      .encode()).encodeText();
    if (websocket) {
      request.toWebSocket().onSuccess(ws -> {
        sessions.add(session);
        session.attachWebSocket(ws);
        session.sendFrame(open);
        session.startHeartbeat();
        onSession.handle(session);
      });
    } else {
      sessions.add(session);
      request.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end(open);
      session.startHeartbeat();
      onSession.handle(session);
    }
  }

  /** Runs {@code action} on {@code context}: now when already there, else as a task of its event loop. */
  public static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  void remove(EngineSession session) {
    sessions.remove(session);
  }

  void countSlowConsumer() {
    sessions.countSlowConsumer();
  }

  /** Closes the sessions of this instance (at shutdown). */
  public void closeAll(String reason) {
    sessions.all().stream().filter(s -> s.context() == context)
      .forEach(s -> onContext(s.context(), () -> s.close(reason, true)));
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
