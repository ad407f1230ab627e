package io.midnight.app;

import io.midnight.app.cluster.ClusterCerts;
import io.midnight.app.cluster.ClusterSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code midnight cluster-certs}: the CA, node certificates and secret a cluster's nodes join with. */
@Command(name = "cluster-certs", mixinStandardHelpOptions = true,
  description = {"Make a cluster's identity: a certificate authority and a secret in DIR, and for each node a",
    "directory DIR/NAME holding ca.pem, node.pem, node-key.pem and cluster.secret, which that node gets as",
    "'midnight run ... --cluster --cluster-tls DIR/NAME'. Run again on DIR to add nodes: the CA and the secret",
    "are kept. Keep DIR/ca-key.pem off the nodes."})
final class ClusterCertsCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "where the CA and node directories go")
  Path out;

  @Option(names = "--nodes", paramLabel = "NAME,...", split = ",", required = true,
    description = "the nodes' host names (each certificate also names localhost and 127.0.0.1)")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--days", description = "how long the certificates are valid (default ${DEFAULT-VALUE})")
  int days = 825;

  @Override
  public Integer call() {
    if (days < 1) {
      System.err.println("midnight: --days must be at least 1");
      return 2;
    }
    try {
      for (Path node : ClusterCerts.generate(out, nodes, Duration.ofDays(days))) {
        System.out.printf("%s: %s%n", node, String.join(", ", ClusterSecurity.FILES));
      }
      System.out.printf("CA and secret in %s (keep %s/ca-key.pem off the nodes)%n", out, out);
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("midnight: " + e.getMessage());
      return 1;
    }
  }
}
