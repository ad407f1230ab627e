package io.midnight.app.cluster;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What lets a node into its cluster (README, "Several nodes"), read from one directory that
 * {@code midnight cluster-certs} made for the node. The event bus speaks TLS only, and both ends show a
 * certificate of the cluster's CA: a process without one cannot send a node anything (Vert.x's bus, with
 * {@code ClientAuth.REQUIRED} and no trust-all). Hazelcast (membership and the cluster-wide maps) has no TLS in its
 * open-source edition, so its cluster name is derived from the cluster's secret: a process that does not know the
 * secret is not a member, and the Hazelcast port stays on the private network.
 */
public record ClusterSecurity(Path ca, Path cert, Path key, String secret) {

  public static final String CA = "ca.pem";
  public static final String CERT = "node.pem";
  public static final String KEY = "node-key.pem";
  public static final String SECRET = "cluster.secret";
  /** A node's directory holds exactly these. */
  public static final List<String> FILES = List.of(CA, CERT, KEY, SECRET);

  /** Reads {@code dir}; says which file is missing and how to make it. */
  public static ClusterSecurity load(Path dir) throws IOException {
    for (String file : FILES) {
      if (!Files.isReadable(dir.resolve(file))) {
        throw new IOException("the cluster directory " + dir + " has no readable " + file + ": make one with "
          + "'midnight cluster-certs --out DIR --nodes NAME,...' and give each node its DIR/NAME");
      }
    }
    String secret = Files.readString(dir.resolve(SECRET), StandardCharsets.UTF_8).trim();
    if (secret.length() < 16) {
      throw new IOException(dir.resolve(SECRET) + " must hold at least 16 characters");
    }
    return new ClusterSecurity(dir.resolve(CA), dir.resolve(CERT), dir.resolve(KEY), secret);
  }

  /** The Hazelcast cluster name: only nodes that know the secret compute it. */
  public String clusterName() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest(("midnight cluster " + secret).getBytes(StandardCharsets.UTF_8));
      return "midnight-" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Mutual TLS on the bus: this node's certificate both ways, and only the cluster's CA trusted. */
  public EventBusOptions apply(EventBusOptions bus) {
    return bus.setSsl(true)
      .setClientAuth(ClientAuth.REQUIRED)
      .setTrustAll(false)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
      .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
  }
}
