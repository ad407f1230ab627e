package io.midnight.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backpressure: a client that stops reading is cut off once its outbound queue passes the bound, and counted;
 * a healthy client in the same room gets every message, in order, without waiting on the stuck one.
 */
class SlowConsumerTest {

  static final int MESSAGES = 1_500;
  /** 2,000 code points of 4 UTF-8 bytes: 8 KB a delivery, 12 MB in all, well past kernel buffers and the bound. */
  static final String TEXT = "🎆".repeat(2_000);

  @TempDir
  Path dir;

  @Test
  void aClientThatStopsReadingIsCutOffAndTheOthersCarryOn() throws Exception {
    JsonObject config = new JsonObject()
      .put("messages", new JsonObject().put("ratePerSecond", 100_000.0).put("burst", 100_000))
      .put("socketio", new JsonObject().put("maxQueuedFrames", 200).put("maxQueuedBytes", 512 * 1024));
    try (InProcessMidnight midnight = new InProcessMidnight(dir, config)) {
      String sender = midnight.api.user("sender").getString("token");
      String healthyToken = midnight.api.user("healthy").getString("token");
      String stuckToken = midnight.api.user("stuck").getString("token");
      assertThat(midnight.api.post("/api/rooms/1/join", sender, "{}").status()).isEqualTo(200);

      RawWebSocket stuck = new RawWebSocket(midnight.port, "/socket.io/?EIO=4&transport=websocket&token=" + stuckToken,
        4_096);
      assertThat(stuck.readText()).startsWith("0{\"sid\"");
      stuck.sendText("40");
      assertThat(stuck.readText()).startsWith("40{\"sid\"");
      stuck.sendText("421[\"join\",{\"room\":1}]");
      while (!stuck.readText().startsWith("431")) {
        // presence may come first; the ack says the stuck client is in the room. From here on it never reads.
      }

      Vertx clientVertx = Vertx.vertx();
      List<long[]> received = Collections.synchronizedList(new ArrayList<>()); // {seq, latency ms}
      CompletableFuture<Void> joined = new CompletableFuture<>();
      // held until the end: Vert.x 5 closes a client (and its connections) once it is unreachable
      WebSocketClient client = clientVertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(1 << 20).setMaxFrameSize(1 << 20));
      ClientWebSocket healthy = client.webSocket();
      healthy.textMessageHandler(frame -> {
        if (frame.startsWith("0{")) {
          healthy.writeTextMessage("40");
        } else if (frame.startsWith("40")) {
          healthy.writeTextMessage("421[\"join\",{\"room\":1}]");
        } else if (frame.startsWith("431")) {
          joined.complete(null);
        } else if (frame.startsWith("42[\"message\"")) {
          JsonObject m = new JsonArray(frame.substring(2)).getJsonObject(1);
          received.add(new long[] {m.getLong("seq"), System.currentTimeMillis() - m.getLong("ts")});
        } else if (frame.equals("2")) {
          healthy.writeTextMessage("3");
        }
      });
      healthy.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(midnight.port)
        .setURI("/socket.io/?EIO=4&transport=websocket&token=" + healthyToken)).await();
      joined.get(10, TimeUnit.SECONDS);

      ExecutorService senders = Executors.newFixedThreadPool(4);
      try {
        List<CompletableFuture<Integer>> sends = IntStream.range(0, MESSAGES).mapToObj(i -> CompletableFuture.supplyAsync(
          () -> midnight.api.post("/api/rooms/1/messages", sender,
            new JsonObject().put("text", TEXT).put("clientMsgId", "m" + i)).status(), senders)).toList();
        for (CompletableFuture<Integer> send : sends) {
          assertThat(send.get(60, TimeUnit.SECONDS)).isEqualTo(201);
        }
      } finally {
        senders.shutdownNow();
      }

      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(received).as("what the healthy client received").hasSize(MESSAGES));
      JsonObject socketio = midnight.api.get("/api/stats", sender).body().getJsonObject("socketio");
      assertThat(socketio.getLong("slowConsumerDisconnects")).as("stuck client cut off: %s", socketio).isEqualTo(1);
      assertThat(socketio.getLong("sockets")).as("only the healthy client is left").isEqualTo(1);

      List<Long> seqs = received.stream().map(r -> r[0]).toList();
      assertThat(seqs).as("every message, once, in seq order")
        .containsExactlyElementsOf(IntStream.rangeClosed(1, MESSAGES).mapToObj(i -> (long) i).toList());
      long[] latencies = received.stream().mapToLong(r -> r[1]).sorted().toArray();
      long p99 = latencies[(int) (latencies.length * 0.99) - 1];
      System.out.printf("healthy client: %d deliveries, latency p50 %d ms, p99 %d ms, max %d ms%n", latencies.length,
        latencies[latencies.length / 2], p99, latencies[latencies.length - 1]);
      // a generous bound: the point is that the healthy client never waits for the stuck one's socket
      assertThat(p99).as("healthy client's p99 delivery latency (ms)").isLessThan(2_000);
      stuck.close();
      client.close().await();
      clientVertx.close().await();
    }
  }
}
