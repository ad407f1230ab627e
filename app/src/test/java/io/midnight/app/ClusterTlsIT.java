package io.midnight.app;

import io.midnight.app.cluster.ClusterCerts;
import io.midnight.app.cluster.ClusterSecurity;
import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The cluster lets in only its own: a services node runs as a real process with its identity from
 * {@code midnight cluster-certs}; in this JVM, a node with the cluster's certificate and secret creates a user
 * through it, a node that knows the secret but holds another CA's certificate reaches Hazelcast yet cannot deliver
 * a single message over the mutual-TLS bus, and a node without the secret is not even a member.
 */
class ClusterTlsIT {

  @TempDir
  Path dir;

  static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(8_000);

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void onlyANodeWithTheClustersCertificateAndSecretGetsThrough() throws Exception {
    int hz = MidnightProcess.freePort();
    String member = "127.0.0.1:" + hz;
    Path legit = dir.resolve("tls");
    ClusterCerts.generate(legit, List.of("services", "friend"), Duration.ofDays(1));
    // another CA's certificate, with the cluster's secret copied in: someone who learned the secret
    Path foreign = dir.resolve("foreign");
    ClusterCerts.generate(foreign, List.of("intruder", "stranger"), Duration.ofDays(1));
    Files.copy(legit.resolve(ClusterSecurity.SECRET), foreign.resolve("intruder").resolve(ClusterSecurity.SECRET),
      java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    try (MidnightProcess services = MidnightProcess.start(List.of("run", "storage,user-service,message-service",
      "--cluster", "--cluster-port", String.valueOf(hz), "--members", member, "--data", dir.resolve("data").toString(),
      "--cluster-tls", legit.resolve("services").toString()), 0,
      java.util.Map.of("MIDNIGHT_AUTH_JWT_KEY", "cluster-tls-it-signing-key-0123456789abcdefgh"),
      dir.resolve("services.log"))) {

      Vertx intruder = join(foreign.resolve("intruder"), member);
      try {
        Throwable refused = catchThrowable(() -> intruder.eventBus().<JsonObject>request(Addresses.USERS_CREATE,
          new JsonObject().put("username", "intruder_user"), QUICK).await());
        assertThat(refused).as("a bus message over a connection the node's TLS refuses never arrives")
          .isInstanceOf(ReplyException.class);
        assertThat(((ReplyException) refused).failureType()).isIn(ReplyFailure.TIMEOUT, ReplyFailure.NO_HANDLERS);
      } finally {
        intruder.close().await();
      }

      Vertx stranger = join(foreign.resolve("stranger"), member);
      try {
        Throwable refused = catchThrowable(() -> stranger.eventBus().<JsonObject>request(Addresses.USERS_CREATE,
          new JsonObject().put("username", "stranger_user"), QUICK).await());
        assertThat(((ReplyException) refused).failureType()).as("without the secret it is not a member: no handlers")
          .isEqualTo(ReplyFailure.NO_HANDLERS);
      } finally {
        stranger.close().await();
      }

      Vertx friend = join(legit.resolve("friend"), member);
      try {
        JsonObject created = friend.eventBus().<JsonObject>request(Addresses.USERS_CREATE,
          new JsonObject().put("username", "friend_user"), QUICK).await().body();
        assertThat(created.getString("username")).isEqualTo("friend_user");
        for (String name : List.of("intruder_user", "stranger_user")) {
          Throwable missing = catchThrowable(() -> friend.eventBus().<JsonObject>request(Addresses.STORAGE_USERS_FIND,
            new JsonObject().put("username", name), QUICK).await());
          assertThat(ErrorCode.of(missing)).as(name + " was never created").isEqualTo(ErrorCode.USER_NOT_FOUND);
        }
      } finally {
        friend.close().await();
      }
      assertThat(services.process.isAlive()).isTrue();
    }
  }

  /** A clustered Vert.x in this JVM with the identity in {@code tls}, joining the member. */
  private static Vertx join(Path tls, String member) throws Exception {
    return MidnightNode.clusteredServingVertx("127.0.0.1", MidnightProcess.freePort(), List.of(member),
      ClusterSecurity.load(tls)).await();
  }
}
