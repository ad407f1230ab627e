package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real JVMs on a Hazelcast-clustered bus: storage and the services on one node, a gateway on each of two
 * others. A client on gateway A gets what a client on gateway B sends; A is killed with SIGKILL mid-stream; the
 * client reconnects to B, rejoins from the last seq it holds, and gets every message it missed once, in order.
 * Then the storage node is killed: a send through B is refused as {@code unavailable}, never acked; the node comes
 * back on the same data with every acked message, and the retried send continues the room's seqs.
 */
class ClusterIT {

  /** Every node's environment; the PostgreSQL subclass adds its backend. */
  Map<String, String> env() {
    return Map.of("MIDNIGHT_AUTH_JWT_KEY", "cluster-it-signing-key-0123456789abcdefghij",
      "MIDNIGHT_MESSAGES_RATE_PER_SECOND", "500", "MIDNIGHT_MESSAGES_BURST", "1000");
  }

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aClientOfAKilledGatewayRecoversEveryMessageOnTheOther() throws Exception {
    int[] hz = {MidnightProcess.freePort(), MidnightProcess.freePort(), MidnightProcess.freePort()};
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
    int portA = MidnightProcess.freePort();
    int portB = MidnightProcess.freePort();
    try (MidnightProcess services = MidnightProcess.start(node("storage,user-service,message-service", hz[0], members,
           "services"), 0, env(), dir.resolve("services.log"));
         MidnightProcess gatewayA = MidnightProcess.start(gateway(hz[1], members, portA, "a"), portA, env(),
           dir.resolve("a.log"));
         MidnightProcess gatewayB = MidnightProcess.start(gateway(hz[2], members, portB, "b"), portB, env(),
           dir.resolve("b.log"))) {
      String alice = gatewayA.api.user("alice_cluster").getString("token");
      String carol = gatewayA.api.user("carol_cluster").getString("token");
      String bob = gatewayB.api.user("bob_cluster").getString("token");
      assertThat(gatewayB.api.post("/api/rooms/1/join", bob, "{}").status()).isEqualTo(200);

      // Alice comes back with the seq she holds (sinceSeq); Carol with socket.io's connection-state recovery
      List<Long> seen = new ArrayList<>();
      List<Long> carolSeen = new ArrayList<>();
      String carolPid;
      String carolOffset;
      try (RawWebSocket onA = RawWebSocket.connectSocketIo(portA, alice, null);
           RawWebSocket carolOnA = RawWebSocket.connectSocketIo(portA, carol, null)) {
        onA.join(1, null);
        carolOnA.join(1, null);
        carolPid = new JsonObject(carolOnA.connectReply).getString("pid");
        send(gatewayB, bob, 0, 10);
        onA.readUntil(seen, 10);
        carolOffset = carolOnA.readUntil(carolSeen, 10);
        assertThat(seen).as("B's sends reach a client of A").containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        gatewayA.killNine();
      }
      send(gatewayB, bob, 10, 20); // while Alice and Carol are away
      try (RawWebSocket onB = RawWebSocket.connectSocketIo(portB, alice, null);
           RawWebSocket carolOnB = RawWebSocket.connectSocketIo(portB, carol,
             new JsonObject().put("pid", carolPid).put("offset", carolOffset))) {
        assertThat(new JsonObject(carolOnB.connectReply).getString("pid")).as("B resumed A's session").isEqualTo(carolPid);
        onB.join(1, 10L);
        send(gatewayB, bob, 20, 25);
        onB.readUntil(seen, 25);
        carolOnB.readUntil(carolSeen, 25); // no join: the recovered session is in its rooms again
      }
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= 25; s++) {
        expected.add(s);
      }
      assertThat(seen).as("every message once, in order, across the failover").containsExactlyElementsOf(expected);
      assertThat(carolSeen).as("the same through connection-state recovery on another node")
        .containsExactlyElementsOf(expected);

      // the storage node dies: a send gets a clear, retryable error, never an ack; back up, nothing acked is lost
      services.killNine();
      JsonObject during = new JsonObject().put("text", "🎇 while storage is down").put("clientMsgId", "down-1");
      Api.Reply refused = gatewayB.api.post("/api/rooms/1/messages", bob, during);
      assertThat(refused.status()).as("no false ack: %s", refused.body()).isEqualTo(503);
      assertThat(refused.errorCode()).isEqualTo("unavailable");
      assertThat(gatewayB.api.get("/health", null).status()).isEqualTo(503);
      try (MidnightProcess back = MidnightProcess.start(node("storage,user-service,message-service", hz[0], members,
        "services"), 0, env(), dir.resolve("services-again.log"))) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> gatewayB.api.get("/health", null).status() == 200);
        JsonArray history = gatewayB.api.get("/api/rooms/1/messages?limit=100", bob).body().getJsonArray("messages");
        assertThat(history).as("every acked message survived the storage node's SIGKILL").hasSize(25);
        assertThat(history.getJsonObject(0).getLong("seq")).isEqualTo(25);
        Api.Reply retried = gatewayB.api.post("/api/rooms/1/messages", bob, during);
        assertThat(retried.status()).as("the retry after the outage is stored: %s", retried.body()).isEqualTo(201);
        assertThat(retried.body().getLong("seq")).as("seqs go on without a gap").isEqualTo(26);
      }
    }
  }

  List<String> node(String verticles, int hzPort, String members, String name) {
    return new ArrayList<>(List.of("run", verticles, "--cluster", "--cluster-port", String.valueOf(hzPort),
      "--members", members, "--data", dir.resolve(name).toString(),
      "--cluster-tls", MidnightProcess.clusterTls(dir, name).toString()));
  }

  List<String> gateway(int hzPort, String members, int httpPort, String name) {
    List<String> args = node("gateway", hzPort, members, name);
    args.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(httpPort)));
    return args;
  }

  static void send(MidnightProcess gateway, String token, int from, int to) {
    for (int i = from; i < to; i++) {
      JsonObject body = new JsonObject().put("text", "🎆 across the cluster #" + i).put("clientMsgId", "c" + i);
      assertThat(gateway.api.post("/api/rooms/1/messages", token, body).status()).isEqualTo(201);
    }
  }
}
