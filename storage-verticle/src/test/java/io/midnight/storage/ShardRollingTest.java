package io.midnight.storage;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Rolling shards (SQLite files; PostgreSQL partitions in the subclass): counts, reads across shards, restart. */
class ShardRollingTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private StorageHarness store;

  /** The storage config under test; the PostgreSQL subclass points it at a fresh database. */
  JsonObject storage(JsonObject storage) {
    return storage;
  }

  @BeforeEach
  void start(TestInfo test) {
    vertx = Vertx.vertx();
    boolean retention = test.getTestMethod().orElseThrow().getName().startsWith("retention");
    store = new StorageHarness(vertx, dir, storage(retention
      ? new JsonObject().put("maxMessagesPerShard", 10).put("retainShards", 2)
      : new JsonObject().put("maxMessagesPerShard", 1_000))).start();
    store.seedRooms(2);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** The shards that exist, by name, oldest first (spares created ahead of need not included). */
  List<String> shardNames() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("messages"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("shard-\\d{6}\\.db")).sorted().toList();
    }
  }

  StorageHarness store() {
    return store;
  }

  String shardName(int number) {
    return String.format("shard-%06d.db", number);
  }

  private List<String> shardNames(int... numbers) {
    return java.util.Arrays.stream(numbers).mapToObj(this::shardName).toList();
  }

  @Test
  void fiveThousandFiveHundredMessagesMakeSixShardsReadableInOrder() throws IOException {
    List<JsonObject> messages = new ArrayList<>();
    for (int i = 1; i <= 5_500; i++) {
      String text = "greeting " + i + (i % 100 == 0 ? " needle" : "") + " 🎉";
      messages.add(StorageHarness.message(1 + i % 2, 7, text, "c" + i));
    }
    List<JsonObject> acks = store.append(messages, 250);

    assertThat(acks).allSatisfy(a -> assertThat(a.containsKey("error")).isFalse());
    assertThat(acks).extracting(a -> a.getLong("id")).containsExactlyElementsOf(
      java.util.stream.LongStream.rangeClosed(1, 5_500).boxed().toList());
    assertThat(shardNames()).containsExactlyElementsOf(shardNames(1, 2, 3, 4, 5, 6));
    JsonObject stats = store.stats();
    assertThat(stats.getLong("messages")).isEqualTo(5_500);
    assertThat(stats.getJsonObject("shards").getInteger("count")).isEqualTo(6);
    assertThat(stats.getJsonObject("shards").getLong("activeMessages")).isEqualTo(500);

    for (long room = 1; room <= 2; room++) {
      List<JsonObject> history = store.wholeHistory(room, 70);
      assertThat(history).hasSize(2_750);
      for (int k = 0; k < history.size(); k++) {
        JsonObject m = history.get(k);
        assertThat(m.getLong("seq")).isEqualTo(2_750 - k);
        assertThat(m.getLong("room")).isEqualTo(room);
        long i = m.getLong("id");
        assertThat(m.getString("text")).startsWith("greeting " + i + (i % 100 == 0 ? " needle" : "") + " ");
      }
    }

    List<JsonObject> found = store.wholeSearch("needle", null, 7);
    assertThat(found).extracting(m -> m.getLong("id"))
      .containsExactlyElementsOf(java.util.stream.LongStream.iterate(5_500, i -> i >= 100, i -> i - 100).boxed().toList());
    List<JsonObject> inRoom = store.wholeSearch("needle greeting", 1L, 10);
    assertThat(inRoom).extracting(m -> m.getLong("id")).containsExactlyElementsOf(
      java.util.stream.LongStream.iterate(5_500, i -> i >= 100, i -> i - 100).filter(i -> 1 + i % 2 == 1).boxed().toList());

    store.restart();
    JsonObject ack = store.appendOne(StorageHarness.message(1, 7, "after restart", "after"));
    assertThat(ack.getLong("id")).isEqualTo(5_501);
    assertThat(ack.getLong("seq")).isEqualTo(2_751);
    assertThat(shardNames()).hasSize(6);
    assertThat(store.stats().getJsonObject("shards").getString("active")).isEqualTo(shardName(6));
    assertThat(store.stats().getJsonObject("shards").getLong("activeMessages")).isEqualTo(501);
  }

  @Test
  void retentionDeletesOldestSealedShardsButNeverReusesSeqs() throws IOException {
    List<JsonObject> messages = new ArrayList<>();
    for (int i = 1; i <= 55; i++) {
      messages.add(StorageHarness.message(1, 1, "m" + i, null));
    }
    store.append(messages, 5);
    assertThat(shardNames()).containsExactlyElementsOf(shardNames(4, 5, 6));
    assertThat(store.wholeHistory(1, 100)).extracting(m -> m.getLong("seq"))
      .containsExactlyElementsOf(java.util.stream.LongStream.iterate(55, s -> s >= 31, s -> s - 1).boxed().toList());

    store.restart();
    JsonObject ack = store.appendOne(StorageHarness.message(1, 1, "after", null));
    assertThat(ack.getLong("seq")).isEqualTo(56);
    assertThat(ack.getLong("id")).isEqualTo(56);
  }
}
