package io.midnight.storage;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One message per {@code (senderId, clientMsgId)}: in one batch, across a shard roll, across a restart. */
class IdempotencyTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private StorageHarness store;

  /** The storage config under test; the PostgreSQL subclass points it at a fresh database. */
  JsonObject storage(JsonObject storage) {
    return storage;
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = new StorageHarness(vertx, dir, storage(new JsonObject().put("maxMessagesPerShard", 10))).start();
    store.seedRooms(1);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static JsonObject withoutDuplicateFlag(JsonObject ack) {
    JsonObject copy = ack.copy();
    copy.remove("duplicate");
    return copy;
  }

  @Test
  void sameKeyStoresOneMessageAndReturnsTheSameAck() {
    JsonObject first = store.appendOne(StorageHarness.message(1, 5, "hello", "k1"));
    assertThat(first.getBoolean("duplicate")).isFalse();

    List<JsonObject> sameBatch = store.append(List.of(StorageHarness.message(1, 5, "hello", "k1"),
      StorageHarness.message(1, 6, "other sender, same key", "k1")), 2);
    assertThat(withoutDuplicateFlag(sameBatch.get(0))).isEqualTo(withoutDuplicateFlag(first));
    assertThat(sameBatch.get(0).getBoolean("duplicate")).isTrue();
    assertThat(sameBatch.get(1).getLong("seq")).isEqualTo(2);

    List<JsonObject> filler = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      filler.add(StorageHarness.message(1, 9, "filler " + i, "f" + i));
    }
    store.append(filler, 4);
    assertThat(store.stats().getJsonObject("shards").getInteger("count")).isEqualTo(2);

    JsonObject afterRoll = store.appendOne(StorageHarness.message(1, 5, "hello", "k1"));
    assertThat(withoutDuplicateFlag(afterRoll)).isEqualTo(withoutDuplicateFlag(first));

    store.restart();
    JsonObject afterRestart = store.appendOne(StorageHarness.message(1, 5, "hello", "k1"));
    assertThat(withoutDuplicateFlag(afterRestart)).isEqualTo(withoutDuplicateFlag(first));
    assertThat(afterRestart.getBoolean("duplicate")).isTrue();

    assertThat(store.stats().getLong("messages")).isEqualTo(17);
    assertThat(store.wholeHistory(1, 50)).extracting(m -> m.getString("text")).filteredOn("hello"::equals).hasSize(1);
  }
}
