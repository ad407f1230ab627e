package io.midnight.storage;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up refuses a data directory that lost or damaged a shard, and says which file. */
class RecoveryTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private StorageHarness store;

  @BeforeEach
  void fill() {
    vertx = Vertx.vertx();
    store = new StorageHarness(vertx, dir, new JsonObject().put("maxMessagesPerShard", 10)).start();
    store.seedRooms(1);
    List<JsonObject> messages = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      messages.add(StorageHarness.message(1, 1, "message " + i, "m" + i));
    }
    store.append(messages, 5);
    store.stop();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private Path shard(int n) {
    return dir.resolve("messages").resolve(String.format("shard-%06d.db", n));
  }

  @Test
  void missingSealedShardStopsStartUpNamingTheFile() throws Exception {
    Files.delete(shard(2));
    assertThatThrownBy(store::start).hasMessageContaining("shard-000002.db").hasMessageContaining("missing")
      .hasMessageContaining("restore");
  }

  @Test
  void missingActiveShardStopsStartUpNamingTheFile() throws Exception {
    Files.delete(shard(3));
    Files.deleteIfExists(Path.of(shard(3) + "-wal"));
    assertThatThrownBy(store::start).hasMessageContaining("shard-000003.db");
  }

  @Test
  void overwrittenShardStopsStartUpNamingTheFile() throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(shard(1).toFile(), "rw")) {
      file.write("this is not a database, it was overwritten by mistake".repeat(100).getBytes());
    }
    assertThatThrownBy(store::start).hasMessageContaining("shard-000001.db");
  }

  @Test
  void truncatedShardStopsStartUpNamingTheFile() throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(shard(2).toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    assertThatThrownBy(store::start).hasMessageContaining("shard-000002.db");
  }

  @Test
  void intactDirectoryRecoversEveryRoomsSeq() {
    store.start();
    JsonObject ack = store.appendOne(StorageHarness.message(1, 1, "next", "next"));
    assertThat(ack.getLong("seq")).isEqualTo(26);
    assertThat(ack.getLong("id")).isEqualTo(26);
    assertThat(store.stats().getJsonObject("shards").getInteger("count")).isEqualTo(3);
  }
}
