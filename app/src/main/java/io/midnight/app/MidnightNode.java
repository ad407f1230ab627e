package io.midnight.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.midnight.app.cluster.ClusterSecurity;
import io.midnight.common.auth.SigningKey;
import io.midnight.common.config.Defaults;
import io.midnight.common.config.MidnightConfig;
import io.midnight.common.metrics.Meters;
import io.midnight.gateway.GatewayNode;
import io.midnight.loadtest.api.LoadTestApiVerticle;
import io.midnight.messages.MessageServiceVerticle;
import io.midnight.storage.StorageVerticle;
import io.midnight.users.UserServiceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Midnight in one JVM: storage first (the others use it as they start), then the user service (which seeds the
 * New Year rooms), the message service and the gateway. The signing key is resolved once here and handed to
 * both the user service (signs) and the gateway (verifies).
 */
public final class MidnightNode {

  private MidnightNode() {
  }

  /** A Vert.x on Netty's native epoll where available (docs/ARCHITECTURE.md, "Threads"), else NIO; no metrics (tools, benches). */
  public static Vertx vertx() {
    return Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  /**
   * A serving node's Vert.x on a Hazelcast cluster: TCP-IP join to {@code members} (no multicast, so it works on
   * loopback and in compose), Hazelcast on {@code host:port} under the name the cluster's secret gives, the bus's
   * own traffic on {@code host} in mutual TLS ({@link ClusterSecurity}).
   */
  public static Future<Vertx> clusteredServingVertx(String host, int port, List<String> members,
                                                    ClusterSecurity security) {
    Config hazelcast = ConfigUtil.loadConfig().setClusterName(security.clusterName())
      .setProperty("hazelcast.logging.type", "slf4j").setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    hazelcast.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    security.apply(options.getEventBusOptions().setHost(host).setPort(0));
    return serving(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }

  /** The Vert.x of a serving node: as {@link #vertx()}, with Micrometer metrics for {@code /metrics}. */
  public static Vertx servingVertx() {
    return serving(new VertxOptions().setPreferNativeTransport(true)).build();
  }

  /**
   * One event loop per core (Vert.x's default is two): the gateway runs an instance per loop, and a loop per core
   * is a reactor per core, with no two loops of one node taking turns on a core.
   */
  private static VertxBuilder serving(VertxOptions options) {
    options.setEventLoopPoolSize(Runtime.getRuntime().availableProcessors());
    return Vertx.builder().with(Meters.enable(options)).withMetrics(new MicrometerMetricsFactory(Meters.newRegistry()));
  }

  /** Defaults, then {@code configFile}, then {@code MIDNIGHT_*} variables, then {@code flags}. */
  public static Future<JsonObject> config(Vertx vertx, String configFile, JsonObject flags) {
    return MidnightConfig.load(vertx, Defaults.all(), configFile, flags);
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

  /** The verticles a node can run, in the order they start (each needs the ones before it on some node). */
  public enum Part {
    STORAGE("storage"), USERS("user-service"), MESSAGES("message-service"), GATEWAY("gateway"), LOADTEST("loadtest");

    public final String label;

    Part(String label) {
      this.label = label;
    }

    public static Part named(String label) {
      return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no verticle named '" + label + "'; choose from "
          + Arrays.stream(values()).map(p -> p.label).collect(Collectors.joining(", "))));
    }
  }

  /** Deploys every verticle, the load tool's config API last; completes with the gateway's port. */
  public static Future<Deployed> deployAll(Vertx vertx, JsonObject config) {
    return deploy(vertx, config, EnumSet.allOf(Part.class));
  }

  /**
   * Deploys {@code parts} in {@link Part} order; completes with the gateway's port (-1 without a gateway). The
   * signing key comes from config or, failing that, this node's data directory: nodes of a cluster must be given
   * the same key, or a gateway would refuse the tokens another node's user service signs.
   */
  public static Future<Deployed> deploy(Vertx vertx, JsonObject config, Set<Part> parts) {
    return vertx.executeBlocking(() -> {
        String key = SigningKey.resolve(config.getJsonObject("auth").getString("jwtKey"),
          Path.of(config.getString("dataDir")));
        JsonObject resolved = config.copy();
        resolved.getJsonObject("auth").put("jwtKey", key);
        return resolved;
      })
      .compose(resolved -> {
        DeploymentOptions options = new DeploymentOptions().setConfig(resolved);
        // Off the event loops: in a spike the loops fan out, and a send's trip through the message service and
        // storage (four hops) would wait behind that backlog at every hop; on a worker context each service is
        // still one task at a time, in order (gateway/README.md, "Overload").
        DeploymentOptions offLoop = new DeploymentOptions(options).setThreadingModel(ThreadingModel.WORKER);
        List<String> ids = new ArrayList<>();
        int[] port = {-1};
        Future<Void> chain = Future.succeededFuture();
        for (Part part : EnumSet.copyOf(parts)) {
          chain = chain.compose(v -> switch (part) {
            case STORAGE -> vertx.deployVerticle(new StorageVerticle(), offLoop);
            case USERS -> vertx.deployVerticle(new UserServiceVerticle(), options);
            case MESSAGES -> vertx.deployVerticle(new MessageServiceVerticle(), offLoop);
            case GATEWAY -> GatewayNode.deploy(vertx, options).map(gateway -> {
              port[0] = gateway.port();
              return gateway.deploymentId();
            });
            case LOADTEST -> vertx.deployVerticle(new LoadTestApiVerticle(), new DeploymentOptions()
              .setConfig(loadTestConfig(resolved, port[0] > 0 ? port[0]
                : resolved.getJsonObject("http").getInteger("port", 4000))));
          }).onSuccess(ids::add).mapEmpty();
        }
        return chain.map(v -> new Deployed(port[0], List.copyOf(ids)));
      });
  }
}
