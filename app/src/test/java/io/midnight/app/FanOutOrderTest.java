package io.midnight.app;

import io.midnight.common.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deliveries on {@code room.<id>} come once per stored message, in seq order, even from concurrent senders. */
class FanOutOrderTest {

  @TempDir
  static Path dir;
  static InProcessMidnight midnight;

  @BeforeAll
  static void start() {
    midnight = new InProcessMidnight(dir, new JsonObject()
      .put("messages", new JsonObject().put("ratePerSecond", 100_000.0).put("burst", 100_000)));
  }

  @AfterAll
  static void stop() {
    midnight.close();
  }

  @Test
  void concurrentSendsArePublishedOnceEachInSeqOrder() throws Exception {
    ConcurrentLinkedQueue<JsonObject> delivered = new ConcurrentLinkedQueue<>();
    midnight.vertx.eventBus().<JsonObject>consumer(Addresses.room(1), m -> delivered.add(m.body())).completion().await();

    JsonArray batch = new JsonArray();
    for (int u = 0; u < 20; u++) {
      batch.add(new JsonObject().put("username", "fan_" + u));
    }
    JsonArray users = midnight.api.post("/api/users/batch", null, new JsonObject().put("users", batch)).body()
      .getJsonArray("users");
    ExecutorService senders = Executors.newFixedThreadPool(20);
    List<Future<?>> work = new ArrayList<>();
    for (int u = 0; u < 20; u++) {
      String token = users.getJsonObject(u).getString("token");
      int sender = u;
      work.add(senders.submit(() -> {
        assertThat(midnight.api.post("/api/rooms/1/join", token, "{}").status()).isEqualTo(200);
        for (int i = 0; i < 100; i++) {
          JsonObject body = new JsonObject().put("text", "🎇 " + sender + "/" + i).put("clientMsgId", "m" + i);
          assertThat(midnight.api.post("/api/rooms/1/messages", token, body).status()).isEqualTo(201);
          if (i % 10 == 0) { // a retry: the same ack, and no second delivery
            assertThat(midnight.api.post("/api/rooms/1/messages", token, body).status()).isEqualTo(200);
          }
        }
      }));
    }
    for (Future<?> f : work) {
      f.get(2, TimeUnit.MINUTES);
    }
    senders.shutdown();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
      .untilAsserted(() -> assertThat(delivered).hasSizeGreaterThanOrEqualTo(2_000));
    Thread.sleep(200); // deliberate: a duplicate delivery would arrive within this
    assertThat(delivered).extracting(m -> m.getLong("seq"))
      .containsExactlyElementsOf(LongStream.rangeClosed(1, 2_000).boxed().toList());
    assertThat(delivered).allSatisfy(m -> {
      assertThat(m.fieldNames()).containsExactlyInAnyOrder("id", "room", "seq", "from", "fromId", "text", "ts");
      assertThat(m.getString("text")).startsWith("🎇 ");
      assertThat(m.getString("from")).startsWith("fan_");
    });
  }
}
