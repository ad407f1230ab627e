package io.midnight.gateway;

import io.micrometer.core.instrument.Gauge;
import io.midnight.common.metrics.Meters;
import io.midnight.gateway.chat.ChatNode;
import io.midnight.gateway.chat.RecoveryOptions;
import io.midnight.gateway.chat.CodecWarmUp;
import io.midnight.gateway.engine.SessionRegistry;
import io.midnight.gateway.overload.OverloadGuard;
import io.midnight.gateway.overload.OverloadOptions;
import io.midnight.gateway.socketio.SocketIoServer;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's gateway: {@link GatewayVerticle} deployed as one instance per event loop (by default), all listening on
 * one port (Vert.x spreads connections over them), and what they share: the Engine.IO sessions (a polling request
 * may reach any instance), socket counters, the chat's recovery and presence, and the overload bound. Each
 * instance keeps its own sockets and room subscriptions on its loop. Thread-safe.
 */
public final class GatewayNode {

  /** Made-up messages through the codec before serving ({@link CodecWarmUp}): well past the JIT's thresholds. */
  static final int WARM_UP_ROUNDS = 20_000;
  private static final AtomicInteger NODES = new AtomicInteger();

  final SessionRegistry sessions = new SessionRegistry();
  final SocketIoServer.Counters sockets = new SocketIoServer.Counters();
  final ChatNode chat;
  final OverloadGuard overload;
  final int instances;
  private final AtomicInteger nextLoop = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final int sharedRandomPort = -NODES.incrementAndGet();
  private volatile int port = -1;
  private volatile String deploymentId;

  private GatewayNode(Vertx vertx, JsonObject config, int instances) {
    this.instances = instances;
    this.chat = new ChatNode(vertx, RecoveryOptions.fromConfig(config));
    this.overload = new OverloadGuard(OverloadOptions.fromConfig(config), Runtime.getRuntime().maxMemory(), instances,
      chat::queuedDeliveries);
    Gauge.builder("midnight.connections", sockets, SocketIoServer.Counters::sockets)
      .description("Socket.IO connections open on this gateway").register(Meters.registry());
  }

  /**
   * Deploys the gateway with {@code options}' config: {@code http.instances} instances, or one per event loop of
   * {@code vertx} when it is 0 or absent. Completes with the node once every instance listens.
   */
  public static Future<GatewayNode> deploy(Vertx vertx, DeploymentOptions options) {
    GatewayOptions gateway = GatewayOptions.fromConfig(options.getConfig());
    int instances = gateway.instances() > 0 ? gateway.instances() : eventLoops(vertx);
    GatewayNode node = new GatewayNode(vertx, options.getConfig(), instances);
    return vertx.executeBlocking(() -> CodecWarmUp.run(WARM_UP_ROUNDS))
      .compose(v -> vertx.deployVerticle(() -> new GatewayVerticle(node),
        new DeploymentOptions(options).setInstances(instances)))
      .onFailure(e -> node.chat.close()) // no instance started: nothing else will close it
      .map(id -> {
        node.deploymentId = id;
        return node;
      });
  }

  public String deploymentId() {
    return deploymentId;
  }

  /** The port the instances share. */
  public int port() {
    return port;
  }

  static int eventLoops(Vertx vertx) {
    int loops = 0;
    for (EventExecutor ignored : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops++;
    }
    return Math.max(1, loops);
  }

  /**
   * The port every instance listens on: the configured one, or for port 0 a negative one of this node's, which
   * Vert.x reads as "a free port, shared by every server listening on this same negative number" (with 0 each
   * instance would bind a port of its own).
   */
  int portToListen(int configured) {
    return configured > 0 ? configured : sharedRandomPort;
  }

  /** An instance listens: its index among the loops, for the overload bound's lag slots. */
  int started(int actualPort) {
    port = actualPort;
    running.incrementAndGet();
    return nextLoop.getAndIncrement() % instances;
  }

  /** An instance stopped; the last one closes what they share. */
  void stopped() {
    if (running.decrementAndGet() == 0) {
      chat.close();
    }
  }

  /** The gateway part of {@code /api/stats}. */
  JsonObject socketStats() {
    return sessions.stats().put("sockets", sockets.sockets()).put("protocolErrors", sockets.protocolErrors())
      .put("instances", instances).mergeIn(chat.stats()).put("overload", overload.stats());
  }
}
