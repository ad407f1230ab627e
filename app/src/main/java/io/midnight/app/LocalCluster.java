package io.midnight.app;

import io.midnight.app.cluster.ClusterCerts;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Midnight as a cluster on this machine, for a load test with more users than one gateway process holds: a
 * services node (storage, user service, message service) and {@code gateways} gateway nodes, each a child JVM on
 * the clustered event bus (Hazelcast on loopback, README "Several nodes"), all with one signing key and one
 * cluster identity (CA, node certificates, secret) made for the run. Each gateway process holds its share of the sockets against its own open-file limit.
 */
final class LocalCluster implements AutoCloseable {

  private final List<ServerProcess> nodes;
  private final Path dataDir;
  private final boolean temporary;

  private LocalCluster(List<ServerProcess> nodes, Path dataDir, boolean temporary) {
    this.nodes = nodes;
    this.dataDir = dataDir;
    this.temporary = temporary;
  }

  /** Starts the services node, then the gateways together; returns once every node is up. */
  static LocalCluster start(Path dataDir, boolean temporary, int gateways, PrintStream out) throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Map<String, String> env = Map.of("MIDNIGHT_AUTH_JWT_KEY", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    List<String> names = new ArrayList<>(List.of("services"));
    for (int g = 1; g <= gateways; g++) {
      names.add("gateway-" + g);
    }
    Path tls = dataDir.resolve("cluster-tls");
    ClusterCerts.generate(tls, names, Duration.ofDays(2)); // this run's cluster: its own CA and secret
    List<Integer> busPorts = new ArrayList<>();
    for (int i = 0; i <= gateways; i++) {
      busPorts.add(freePort());
    }
    String members = String.join(",", busPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    List<ServerProcess> nodes = new ArrayList<>();
    LocalCluster cluster = new LocalCluster(nodes, dataDir, temporary);
    try {
      out.printf("Midnight as a local cluster: a services node and %d gateway nodes, data and logs in %s%n",
        gateways, dataDir);
      ServerProcess services = ServerProcess.launch(node("storage,user-service,message-service", busPorts.get(0),
        members, tls.resolve(names.get(0))), dataDir.resolve("services"), temporary, env);
      nodes.add(services);
      services.awaitUp();
      out.printf("  services node up (process %d, log %s)%n", services.pid(), services.log());
      for (int g = 1; g <= gateways; g++) {
        List<String> args = new ArrayList<>(node("gateway", busPorts.get(g), members, tls.resolve(names.get(g))));
        args.addAll(List.of("--host", "127.0.0.1", "--port", "0"));
        nodes.add(ServerProcess.launch(args, dataDir.resolve("gateway-" + g), temporary, env));
      }
      for (ServerProcess gateway : nodes.subList(1, nodes.size())) {
        gateway.awaitUp();
        out.printf("  gateway node on %s (process %d)%n", gateway.url, gateway.pid());
      }
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  private static List<String> node(String verticles, int busPort, String members, Path tls) {
    return List.of("run", verticles, "--cluster", "--cluster-host", "127.0.0.1", "--cluster-port",
      String.valueOf(busPort), "--members", members, "--cluster-tls", tls.toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Where the load test's API calls go: the first gateway. */
  URI url() {
    return nodes.get(1).url;
  }

  /** Every gateway: the users' sockets are spread over them. */
  List<URI> gateways() {
    return nodes.subList(1, nodes.size()).stream().map(n -> n.url).toList();
  }

  /** Gateways first, the services node last, so storage commits what the gateways forwarded before it stops. */
  @Override
  public void close() throws InterruptedException {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    if (temporary) {
      try {
        deleteTree(dataDir.resolve("cluster-tls"));
        Files.deleteIfExists(dataDir); // the nodes removed their own directories
      } catch (IOException notEmpty) {
        // a node's files are still there (a node killed before it could remove them): left for the operator
      }
    }
  }

  /** Deletes {@code dir} and everything in it; nothing when it is not there. */
  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
