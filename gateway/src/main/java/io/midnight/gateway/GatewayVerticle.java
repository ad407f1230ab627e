package io.midnight.gateway;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.common.Fields;
import io.midnight.common.ServiceException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.midnight.common.auth.OperatorKey;
import io.midnight.common.auth.SigningKey;
import io.midnight.common.metrics.Meters;
import io.midnight.gateway.chat.ChatNamespace;
import io.midnight.gateway.dashboard.DashboardFeed;
import io.midnight.gateway.engine.EngineOptions;
import io.midnight.gateway.engine.EngineServer;
import io.midnight.gateway.overload.LoopLagProbe;
import io.midnight.gateway.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The public face: the HTTP API (README, "The HTTP API") over the bus. Verifies tokens itself; everything else is a
 * request to a service. Every error is {@code {"error": {"code", "message"}}} with its status (README, "Errors").
 * One instance per event loop, deployed by {@link GatewayNode}, which holds what the instances share.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final String CALLER = "midnight.caller";
  private static final DeliveryOptions DEFAULT = new DeliveryOptions().setSendTimeout(10_000);
  /** A batch may hash up to 1,000 passwords at ~0.2 s of CPU each. */
  private static final DeliveryOptions SLOW = new DeliveryOptions().setSendTimeout(300_000);

  private final long startedAt = System.currentTimeMillis();
  private final GatewayNode node;
  private HttpServer server;
  private TokenVerifier tokens;
  private EngineServer engine;
  private SocketIoServer socketIo;
  private ChatNamespace chat;
  private DashboardFeed dashboard;
  private OperatorAccess operators;
  private LoopLagProbe lagProbe;
  /** Null when this node runs without metrics. */
  private Handler<RoutingContext> scrape;

  GatewayVerticle(GatewayNode node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    GatewayOptions options = GatewayOptions.fromConfig(config());
    return vertx.executeBlocking(() -> {
        operators = new OperatorAccess(OperatorKey.resolve(options.operatorKey(), options.dataDir()),
          options.operatorOpenOnLoopback());
        return SigningKey.resolve(options.jwtKey(), options.dataDir());
      })
      .compose(key -> {
        tokens = new TokenVerifier(vertx, key);
        JsonObject socketio = config().getJsonObject("socketio", new JsonObject());
        EngineOptions engineOptions = EngineOptions.fromConfig(socketio);
        chat = new ChatNamespace(vertx, tokens, node.chat, node.overload);
        socketIo = new SocketIoServer(vertx, engineOptions, node.sockets).namespace("/", chat);
        PrometheusMeterRegistry registry = Meters.prometheus();
        scrape = registry == null ? null : PrometheusScrapingHandler.create(registry);
        engine = new EngineServer(vertx, engineOptions, node.sessions, socketIo);
        dashboard = new DashboardFeed(vertx, node.sockets::sockets);
        Router router = router(options);
        server = vertx.createHttpServer(socketServerOptions(engineOptions).setHost(options.host()))
          .invalidRequestHandler(GatewayVerticle::invalidRequest)
          .requestHandler(request -> {
            if (request.version() != HttpVersion.HTTP_2 && request.getHeader(HttpHeaders.HOST) == null) {
              answer(request, ErrorCode.INVALID_REQUEST, "an HTTP/1.1 request needs a Host header");
            } else if (engine.matches(request)) {
              engine.handle(request);
            } else {
              router.handle(request);
            }
          });
        return server.listen(node.portToListen(options.port()));
      })
      .onSuccess(s -> {
        int loop = node.started(s.actualPort());
        lagProbe = new LoopLagProbe(vertx, node.overload, loop);
        if (loop == 0) {
          LOG.info("gateway listening on http://{}:{} ({} transport, {} instances, at most {} sends pending)",
            options.host(), s.actualPort(), transport(), node.instances, node.overload.pendingBound());
          if (options.operatorKey() == null || options.operatorKey().isBlank()) {
            LOG.info("operator key (load-test API, and metrics and dashboard from off this host): {} (README, "
              + "\"Operators\")", options.dataDir().resolve(OperatorKey.FILE_NAME));
          }
        }
      });
  }

  /**
   * WebSocket frames up to the Engine.IO maxPayload, and no compression: deflate would cost a zlib context (tens of
   * KB) per connection and CPU per frame, and the official server leaves it off too. Strict thread mode: every
   * write happens on the connection's event loop (a session hands writes for a transport on another loop over to
   * it), and it spares each connection a cross-thread outbound queue (measured: 16.3 KB -> 11.4 KB of heap per idle
   * Socket.IO session).
   */
  public static HttpServerOptions socketServerOptions(EngineOptions engine) {
    return new HttpServerOptions()
      .setStrictThreadMode(true)
      .setMaxWebSocketFrameSize(engine.maxPayload())
      .setMaxWebSocketMessageSize(engine.maxPayload())
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      .setTcpNoDelay(true);
  }

  private Router router(GatewayOptions options) {
    Router router = Router.router(vertx);
    router.route().handler(SecurityHeaders::add);
    router.route().handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(operators::watch).handler(this::metrics);
    router.get("/api/dashboard/stream").handler(operators::watch).handler(ctx -> dashboard.stream(ctx));
    router.get("/").handler(ctx -> page(ctx, "web/index.html"));
    router.get("/dashboard").handler(operators::watch).handler(ctx -> page(ctx, "web/dashboard.html"));
    router.route("/static/*").handler(StaticHandler.create("web").setCachingEnabled(true).setMaxAgeSeconds(3600));
    router.post("/api/users").handler(ctx -> forward(ctx, Addresses.USERS_CREATE, fromClient(ctx), SLOW, 201));
    router.post("/api/users/batch").handler(ctx -> forward(ctx, Addresses.USERS_CREATE_BATCH, fromClient(ctx), SLOW,
      201));
    router.post("/api/sessions").handler(ctx -> forward(ctx, Addresses.USERS_LOGIN, fromClient(ctx), SLOW, 200));
    router.route("/api/*").handler(this::authenticate);
    router.get("/api/rooms").handler(ctx -> forward(ctx, Addresses.ROOMS_LIST, new JsonObject(), DEFAULT, 200));
    router.post("/api/rooms").handler(ctx -> forward(ctx, Addresses.ROOMS_CREATE,
      body(ctx).put("userId", caller(ctx).userId()), DEFAULT, 201));
    router.post("/api/rooms/:id/join").handler(ctx -> forward(ctx, Addresses.ROOMS_JOIN, membership(ctx), DEFAULT, 200));
    router.post("/api/rooms/:id/leave").handler(ctx -> forward(ctx, Addresses.ROOMS_LEAVE, membership(ctx), DEFAULT, 200));
    router.post("/api/rooms/:id/messages").handler(this::send);
    router.get("/api/rooms/:id/messages").handler(ctx -> forward(ctx, Addresses.MESSAGES_HISTORY, new JsonObject()
      .put("roomId", roomId(ctx))
      .put("beforeSeq", ctx.request().getParam("before"))
      .put("limit", ctx.request().getParam("limit")), DEFAULT, 200));
    router.get("/api/search").handler(ctx -> forward(ctx, Addresses.MESSAGES_SEARCH, new JsonObject()
      .put("q", ctx.request().getParam("q"))
      .put("roomId", ctx.request().getParam("room"))
      .put("beforeId", ctx.request().getParam("before"))
      .put("limit", ctx.request().getParam("limit")), DEFAULT, 200));
    router.get("/api/stats").handler(this::stats);
    router.get("/api/loadtest/presets").handler(ctx -> loadTest(ctx, Addresses.LOADTEST_PRESETS_LIST, new JsonObject(), 200));
    router.put("/api/loadtest/presets/:name").handler(operators::require).handler(ctx -> loadTest(ctx,
      Addresses.LOADTEST_PRESETS_PUT, new JsonObject().put("name", ctx.pathParam("name")).put("preset", body(ctx)), 200));
    router.get("/api/loadtest/runs").handler(ctx -> loadTest(ctx, Addresses.LOADTEST_RUNS_LIST, new JsonObject(), 200));
    router.post("/api/loadtest/runs").handler(operators::require)
      .handler(ctx -> loadTest(ctx, Addresses.LOADTEST_RUNS_START, body(ctx), 202));
    router.get("/api/loadtest/runs/:id").handler(ctx -> loadTest(ctx, Addresses.LOADTEST_RUNS_GET,
      new JsonObject().put("id", ctx.pathParam("id")), 200));
    router.delete("/api/loadtest/runs/:id").handler(operators::require).handler(ctx -> loadTest(ctx,
      Addresses.LOADTEST_RUNS_STOP, new JsonObject().put("id", ctx.pathParam("id")), 202));
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> error(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().method()
      + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, ErrorCode.NOT_FOUND, "method " + ctx.request().method()
      + " is not allowed on " + ctx.request().path()));
    return router;
  }

  /** A user's token, or on the load-test API the operator key ({@link OperatorAccess}). */
  private void authenticate(RoutingContext ctx) {
    if (operators.presentsKey(ctx.request())) {
      if (ctx.request().path().startsWith("/api/loadtest/")) {
        ctx.put(OperatorAccess.OPERATOR, true);
        ctx.next();
      } else {
        error(ctx, ErrorCode.UNAUTHORIZED, "the operator key is not a user's token: sign in as a user for this");
      }
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    tokens.verify(token)
      .onSuccess(caller -> {
        ctx.put(CALLER, caller);
        ctx.next();
      })
      .onFailure(e -> fail(ctx, e));
  }

  private static TokenVerifier.Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  private void send(RoutingContext ctx) {
    TokenVerifier.Caller caller = caller(ctx);
    JsonObject body = body(ctx);
    JsonObject refusal = node.overload.admit();
    if (refusal != null) {
      long retry = refusal.getJsonObject("error").getLong("retryAfterMs");
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (retry + 999) / 1000)));
      json(ctx, ErrorCode.UNAVAILABLE.status(), refusal);
      return;
    }
    JsonObject request = new JsonObject()
      .put("roomId", roomId(ctx))
      .put("userId", caller.userId())
      .put("username", caller.username())
      .put("text", body.getValue("text"))
      .put("clientMsgId", body.getValue("clientMsgId"));
    vertx.eventBus().<JsonObject>request(Addresses.MESSAGES_SEND, request, DEFAULT)
      .onComplete(ar -> node.overload.done())
      .onSuccess(reply -> {
        JsonObject ack = reply.body();
        boolean duplicate = ack.getBoolean("duplicate", false);
        json(ctx, duplicate ? 200 : 201, new JsonObject().put("id", ack.getLong("id")).put("seq", ack.getLong("seq"))
          .put("ts", ack.getLong("ts")));
      })
      .onFailure(e -> fail(ctx, e));
  }

  private void stats(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.STORAGE_STATS, new JsonObject(), DEFAULT)
      .onSuccess(reply -> json(ctx, 200, new JsonObject()
        .put("transport", transport())
        .put("uptimeSeconds", (System.currentTimeMillis() - startedAt) / 1000)
        .put("socketio", node.socketStats())
        .put("storage", reply.body())))
      .onFailure(e -> fail(ctx, e));
  }

  /**
   * Liveness is this answer at all; readiness is 200 with {@code ready: true} only when storage answers over the
   * bus and takes writes. A load balancer routes on the status; the body says which part is missing.
   */
  private void health(RoutingContext ctx) {
    vertx.eventBus().<JsonObject>request(Addresses.STORAGE_STATS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(2_000))
      .onComplete(ar -> {
        boolean writable = ar.succeeded() && ar.result().body().getBoolean("writable", false);
        JsonArray damaged = ar.succeeded() ? ar.result().body().getJsonArray("damagedShards", new JsonArray())
          : new JsonArray();
        String storage = ar.failed() ? "down: " + ErrorCode.messageOf(ar.cause())
          : !writable ? "read-only: " + ar.result().body().getString("refusal")
          : damaged.isEmpty() ? "up" : damaged.size() + " damaged shard(s) set aside: their messages are not served";
        JsonObject health = new JsonObject()
          .put("status", writable && damaged.isEmpty() ? "up" : "degraded").put("live", true).put("ready", writable)
          .put("bus", ar.succeeded() ? "up" : "no answer from storage").put("storage", storage)
          .put("connections", node.sockets.sockets());
        if (!damaged.isEmpty()) {
          health.put("damagedShards", damaged);
        }
        json(ctx, writable ? 200 : 503, health);
      });
  }

  /** A page of the web client, from the jar; no cache so that a new version shows at once. */
  private static void page(RoutingContext ctx, String resource) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
      .sendFile(resource).onFailure(ctx::fail);
  }

  /** Prometheus text of this node's registry: Vert.x's own metrics and Midnight's ({@code midnight_*}). */
  private void metrics(RoutingContext ctx) {
    if (scrape == null) {
      error(ctx, ErrorCode.NOT_FOUND, "metrics are off on this node");
    } else {
      scrape.handle(ctx);
    }
  }

  private String transport() {
    return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
  }

  private JsonObject membership(RoutingContext ctx) {
    return new JsonObject().put("roomId", roomId(ctx)).put("userId", caller(ctx).userId());
  }

  private void forward(RoutingContext ctx, String address, JsonObject request, DeliveryOptions delivery, int status) {
    vertx.eventBus().<JsonObject>request(address, request, delivery)
      .onSuccess(reply -> json(ctx, status, reply.body()))
      .onFailure(e -> fail(ctx, e));
  }

  /** The load tool's config API lives in its own verticle, which a node may not deploy (a cluster's chat nodes). */
  private void loadTest(RoutingContext ctx, String address, JsonObject request, int status) {
    vertx.eventBus().<JsonObject>request(address, request, DEFAULT)
      .onSuccess(reply -> json(ctx, status, reply.body()))
      .onFailure(e -> {
        if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
          error(ctx, ErrorCode.NOT_FOUND, "the load-test API is not deployed on this node");
        } else {
          fail(ctx, e);
        }
      });
  }

  /** The body with the address the request came from, which the user service throttles password hashes by. */
  private static JsonObject fromClient(RoutingContext ctx) {
    SocketAddress from = ctx.request().remoteAddress();
    return body(ctx).put(Fields.CLIENT_ADDRESS, from == null ? "unknown" : from.hostAddress());
  }

  /** The request body as a JSON object; anything else is a 400 {@code invalid_json}. */
  private static JsonObject body(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
    }
    Object value;
    try {
      value = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the request body is not valid JSON: "
        + e.getMessage().replace("Failed to decode:", "").lines().findFirst().orElse("").trim());
    }
    if (!(value instanceof JsonObject object)) {
      throw new ServiceException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
    }
    return object;
  }

  private static long roomId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new ServiceException(ErrorCode.INVALID_REQUEST, "room id must be an integer, got '" + id + "'");
    }
  }

  /**
   * A request the HTTP decoder could not read (a URI past 4 KB, headers past 8 KB, a malformed line): the same JSON
   * error as any other, instead of Vert.x's empty answer.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      answer(request, ErrorCode.URI_TOO_LONG, "the request line is longer than " + HttpServerOptions
        .DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      answer(request, ErrorCode.HEADERS_TOO_LARGE, "the request headers are larger than " + HttpServerOptions
        .DEFAULT_MAX_HEADER_SIZE + " bytes");
    } else {
      answer(request, ErrorCode.INVALID_REQUEST, "malformed HTTP request"
        + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
  }

  /** An error answer outside the router, and the connection closed: what follows on it cannot be trusted. */
  private static void answer(HttpServerRequest request, ErrorCode code, String message) {
    request.response().setStatusCode(code.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
      .putHeader(HttpHeaders.CONNECTION, "close").end(code.toJson(message).encode())
      .onComplete(v -> request.connection().close());
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.statusCode() == 413) {
      error(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than the limit");
    } else if (failure != null && !ctx.request().isEnded() && !(failure instanceof ServiceException)) {
      // the body itself could not be read (e.g. a bad chunk size): the client's error, not ours to log
      LOG.debug("{} {}: unreadable body", ctx.request().method(), ctx.request().path(), failure);
      error(ctx, ErrorCode.INVALID_REQUEST, "the request body could not be read: " + failure.getMessage());
    } else if (failure != null) {
      fail(ctx, failure);
    } else if (ctx.statusCode() == 404) {
      error(ctx, ErrorCode.NOT_FOUND, "no such endpoint");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, ErrorCode.INVALID_REQUEST, "bad request");
    } else {
      error(ctx, ErrorCode.INTERNAL, "internal error");
    }
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    ErrorCode code = ErrorCode.of(e);
    if (code == ErrorCode.INTERNAL) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), e);
    }
    error(ctx, code, ErrorCode.messageOf(e));
  }

  private static void error(RoutingContext ctx, ErrorCode code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    long retry = ErrorCode.retryAfterMillis(message);
    if (retry >= 0 || code == ErrorCode.RATE_LIMITED) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (retry + 999) / 1000)));
    }
    json(ctx, code.status(), code.toJson(message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
      .end(body.toBuffer());
  }

  @Override
  public Future<?> stop() {
    if (engine != null) {
      engine.closeAll("server shutting down");
      chat.close();
      dashboard.close();
    }
    if (lagProbe != null) {
      lagProbe.stop();
      node.stopped();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }
}
