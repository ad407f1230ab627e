package io.midnight.app;

import io.midnight.app.cluster.ClusterSecurity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code midnight run VERTICLE[,VERTICLE...] [--cluster]}: some of Midnight's verticles in this JVM. With
 * {@code --cluster} the bus joins the other nodes over Hazelcast (TCP-IP join to the listed members, no
 * multicast), which is how a cluster is assembled: say, storage and the services on one node, gateways on others.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
  description = {"Run some of Midnight's verticles in this JVM, alone or as one node of a cluster.",
    "VERTICLES: storage, user-service, message-service, gateway, loadtest (comma-separated).",
    "Nodes of a cluster need the same signing key (auth.jwtKey, MIDNIGHT_AUTH_JWT_KEY): tokens signed by the",
    "user service on one node are checked by gateways on others; and each its directory from",
    "'midnight cluster-certs' (--cluster-tls): the bus speaks mutual TLS only."})
final class RunCommand extends ServeCommand {

  @Parameters(index = "0", paramLabel = "VERTICLES", split = ",", description = "what this node runs")
  List<String> verticles = new ArrayList<>();

  @Option(names = "--cluster", description = "join a cluster over Hazelcast")
  boolean cluster;

  @Option(names = "--cluster-host", description = "address or name this node's cluster traffic uses "
    + "(default: MIDNIGHT_CLUSTER_HOST, else 127.0.0.1)")
  String clusterHost = System.getenv().getOrDefault("MIDNIGHT_CLUSTER_HOST", "127.0.0.1");

  @Option(names = "--cluster-port", description = "this node's Hazelcast port (default ${DEFAULT-VALUE})")
  int clusterPort = 5701;

  @Option(names = "--cluster-tls", paramLabel = "DIR", description = "this node's directory from 'midnight "
    + "cluster-certs': the cluster's CA, this node's certificate and key, the cluster secret (default: "
    + "MIDNIGHT_CLUSTER_TLS_DIR)")
  Path clusterTls = Optional.ofNullable(System.getenv("MIDNIGHT_CLUSTER_TLS_DIR")).map(Path::of).orElse(null);

  @Option(names = "--members", paramLabel = "HOST:PORT,...", split = ",",
    description = "the cluster's members (default: MIDNIGHT_CLUSTER_MEMBERS, else this node alone)")
  List<String> members = new ArrayList<>();

  @Override
  Future<Vertx> vertx() {
    if (!cluster) {
      return super.vertx();
    }
    List<String> all = new ArrayList<>(members);
    String env = System.getenv("MIDNIGHT_CLUSTER_MEMBERS");
    if (all.isEmpty() && env != null && !env.isBlank()) {
      all.addAll(Arrays.stream(env.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList());
    }
    if (all.isEmpty()) {
      all.add(clusterHost + ":" + clusterPort);
    }
    String address;
    try {
      address = InetAddress.getByName(clusterHost).getHostAddress(); // a container's name works too
    } catch (UnknownHostException e) {
      return Future.failedFuture("--cluster-host " + clusterHost + " does not resolve to an address of this node");
    }
    if (clusterTls == null) {
      return Future.failedFuture("a cluster node needs its certificate and the cluster's secret: --cluster-tls DIR "
        + "or MIDNIGHT_CLUSTER_TLS_DIR, a directory made by 'midnight cluster-certs' (README, \"Several nodes\")");
    }
    ClusterSecurity security;
    try {
      security = ClusterSecurity.load(clusterTls);
    } catch (IOException e) {
      return Future.failedFuture(e.getMessage());
    }
    return MidnightNode.clusteredServingVertx(address, clusterPort, all, security);
  }

  @Override
  Set<MidnightNode.Part> parts() {
    if (verticles.isEmpty()) {
      throw new IllegalArgumentException("name the verticles to run, e.g. 'midnight run gateway'");
    }
    Set<MidnightNode.Part> parts = EnumSet.noneOf(MidnightNode.Part.class);
    verticles.forEach(v -> parts.add(MidnightNode.Part.named(v.trim())));
    return parts;
  }

  @Override
  void checkConfig(JsonObject resolved) {
    String key = resolved.getJsonObject("auth", new JsonObject()).getString("jwtKey", "");
    boolean signsOrChecks = parts().contains(MidnightNode.Part.GATEWAY) || parts().contains(MidnightNode.Part.USERS);
    if (cluster && signsOrChecks && key.isBlank()) {
      throw new IllegalArgumentException("a cluster node that runs the gateway or the user service needs the "
        + "cluster's signing key: set auth.jwtKey or MIDNIGHT_AUTH_JWT_KEY (the same on every node)");
    }
  }
}
