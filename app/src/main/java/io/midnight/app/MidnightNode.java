package io.midnight.app;

import io.midnight.common.auth.SigningKey;
import io.midnight.common.config.MidnightConfig;
import io.midnight.common.metrics.Meters;
import io.midnight.gateway.GatewayVerticle;
import io.midnight.loadtest.api.LoadTestApiVerticle;
import io.midnight.messages.MessageServiceVerticle;
import io.midnight.storage.StorageVerticle;
import io.midnight.users.UserServiceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Midnight in one JVM: storage first (the others use it as they start), then the user service (which seeds the
 * New Year rooms), the message service and the gateway. The signing key is resolved once here and handed to
 * both the user service (signs) and the gateway (verifies).
 */
public final class MidnightNode {

  private MidnightNode() {
  }

  /** A Vert.x on Netty's native epoll where available (DESIGN section 8), else NIO; no metrics (tools, benches). */
  public static Vertx vertx() {
    return Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  /** The Vert.x of a serving node: as {@link #vertx()}, with Micrometer metrics for {@code /metrics}. */
  public static Vertx servingVertx() {
    return Vertx.builder().with(Meters.enable(new VertxOptions().setPreferNativeTransport(true)))
      .withMetrics(new MicrometerMetricsFactory(Meters.newRegistry())).build();
  }

  public static JsonObject defaults() {
    try (InputStream in = MidnightNode.class.getResourceAsStream("/midnight-defaults.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Defaults, then {@code configFile}, then {@code MIDNIGHT_*} variables, then {@code flags}. */
  public static Future<JsonObject> config(Vertx vertx, String configFile, JsonObject flags) {
    return MidnightConfig.load(vertx, defaults(), configFile, flags);
  }

  /** What {@link #deployAll} started, in deployment order. */
  public record Deployed(int port, List<String> ids) {

    /**
     * Undeploys in reverse order: the gateway stops taking requests first and storage commits what is queued
     * last, so no request is forwarded to a service that is already gone.
     */
    public Future<Void> stop(Vertx vertx) {
      Future<Void> chain = Future.succeededFuture();
      for (int i = ids.size() - 1; i >= 0; i--) {
        String id = ids.get(i);
        chain = chain.compose(v -> vertx.undeploy(id));
      }
      return chain;
    }
  }

  /** The config API's runs target this node's gateway by default, over loopback when it listens everywhere. */
  private static JsonObject loadTestConfig(JsonObject config, int port) {
    String host = config.getJsonObject("http").getString("host", "127.0.0.1");
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    JsonObject loadtest = config.getJsonObject("loadtest", new JsonObject()).copy();
    if (!loadtest.containsKey("target")) {
      loadtest.put("target", "http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port);
    }
    return config.copy().put("loadtest", loadtest);
  }

  /** Deploys every verticle, the load tool's config API last; completes with the gateway's port. */
  public static Future<Deployed> deployAll(Vertx vertx, JsonObject config) {
    return vertx.executeBlocking(() -> {
        String key = SigningKey.resolve(config.getJsonObject("auth").getString("jwtKey"),
          Path.of(config.getString("dataDir")));
        JsonObject resolved = config.copy();
        resolved.getJsonObject("auth").put("jwtKey", key);
        return resolved;
      })
      .compose(resolved -> {
        DeploymentOptions options = new DeploymentOptions().setConfig(resolved);
        GatewayVerticle gateway = new GatewayVerticle();
        List<String> ids = new ArrayList<>();
        return vertx.deployVerticle(new StorageVerticle(), options).onSuccess(ids::add)
          .compose(id -> vertx.deployVerticle(new UserServiceVerticle(), options)).onSuccess(ids::add)
          .compose(id -> vertx.deployVerticle(new MessageServiceVerticle(), options)).onSuccess(ids::add)
          .compose(id -> vertx.deployVerticle(gateway, options)).onSuccess(ids::add)
          .compose(id -> vertx.deployVerticle(new LoadTestApiVerticle(), new DeploymentOptions()
            .setConfig(loadTestConfig(resolved, gateway.actualPort())))).onSuccess(ids::add)
          .map(id -> new Deployed(gateway.actualPort(), List.copyOf(ids)));
      });
  }
}
