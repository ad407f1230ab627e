package io.midnight.storage;

import io.midnight.common.Addresses;
import io.midnight.storage.sqlite.StoreTools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's damage cases on a real store (3 sealed shards of 10 messages and an active one): each refuses to
 * start with what is wrong and what to do, or, with {@code quarantineDamaged}, starts with the damaged shard set
 * aside while the rest is served. Room 1's messages are all in shard 1, room 2's in the later shards.
 */
class DamagedStoreTest {

  @TempDir
  Path dir;
  Vertx vertx;
  StorageHarness store;

  @BeforeEach
  void fill() {
    vertx = Vertx.vertx();
    store = new StorageHarness(vertx, dir, new JsonObject().put("maxMessagesPerShard", 10)).start();
    store.seedRooms(2);
    List<JsonObject> messages = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      messages.add(StorageHarness.message(i < 10 ? 1 : 2, 1, "greeting " + i, "m" + i));
    }
    store.append(messages, 5);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  Path shard(Path data, int n) {
    return data.resolve("messages").resolve(String.format("shard-%06d.db", n));
  }

  StorageHarness on(Path data, JsonObject storage) {
    return new StorageHarness(vertx, data, storage.put("maxMessagesPerShard", 10));
  }

  @Test
  void aCleanStopLeavesEveryFileWholeWithoutItsWal() throws Exception {
    store.stop();
    Path wal = dir.resolve("catalog.db-wal");
    assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("the catalog's WAL was folded in").isTrue();
    Path alone = Files.createTempFile("catalog", ".db");
    Files.copy(dir.resolve("catalog.db"), alone, StandardCopyOption.REPLACE_EXISTING);
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + alone)) {
      assertThat(db.createStatement().executeQuery("SELECT count(*) FROM shards").getLong(1))
        .as("catalog.db alone holds the manifest").isEqualTo(4);
    }
    Files.delete(alone);
  }

  @Test
  void aCatalogWalCutInHalfIsRefusedNotServedWithMessagesMissing() throws Exception {
    // a copy taken while serving (WAL and all), as a crash would leave it, then half the catalog's WAL lost
    Path copy = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-copy"));
    copyTree(dir, copy);
    store.stop();
    Path wal = copy.resolve("catalog.db-wal");
    assertThat(Files.size(wal)).as("the catalog's recent commits are in its WAL").isPositive();
    try (RandomAccessFile file = new RandomAccessFile(wal.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    assertThatThrownBy(() -> on(copy, new JsonObject()).start()).hasMessageContaining("catalog")
      .hasMessageContaining("restore");
  }

  @Test
  void randomBytesInASealedShardAreRefusedOrWithQuarantineSetAsideWhileTheRestIsServed() throws Exception {
    store.stop();
    byte[] noise = new byte[4096];
    ThreadLocalRandom.current().nextBytes(noise);
    try (RandomAccessFile file = new RandomAccessFile(shard(dir, 1).toFile(), "rw")) {
      file.seek(Math.min(8192, file.length() - noise.length));
      file.write(noise);
    }
    assertThatThrownBy(() -> store.start()).hasMessageContaining("shard-000001.db")
      .hasMessageContaining("changed since it was sealed").hasMessageContaining("--quarantine-damaged");
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    assertThat(StoreTools.verify(dir, new PrintStream(report, true, StandardCharsets.UTF_8))).isFalse();
    assertThat(report.toString(StandardCharsets.UTF_8)).contains("DAMAGED", "shard-000001.db");

    StorageHarness quarantined = on(dir, new JsonObject().put("quarantineDamaged", true)).start();
    JsonObject stats = quarantined.stats();
    assertThat(stats.getJsonArray("damagedShards")).hasSize(1);
    assertThat(stats.getJsonArray("damagedShards").getJsonObject(0).getString("shard")).isEqualTo("shard-000001.db");
    assertThat(quarantined.wholeHistory(2, 7)).as("room 2 lives elsewhere: all of it is served").hasSize(25);
    assertThat(quarantined.wholeHistory(1, 7)).as("room 1 lived in the damaged shard").isEmpty();
    assertThat(quarantined.wholeSearch("greeting", null, 50)).hasSize(25);
    JsonObject ack = quarantined.appendOne(StorageHarness.message(1, 1, "still writable", "after"));
    assertThat(ack.getLong("seq")).as("room 1 goes on after its last seq").isEqualTo(11);
  }

  @Test
  void aDeletedCatalogIsRefusedWhileItsShardsRemain() throws Exception {
    store.stop();
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(dir.resolve("catalog.db" + suffix));
    }
    assertThatThrownBy(() -> store.start()).hasMessageContaining("catalog.db is missing")
      .hasMessageContaining("4 shard file(s)");
  }

  @Test
  void anEmptiedManifestIsRefused() throws Exception {
    store.stop();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db"))) {
      db.createStatement().execute("DELETE FROM shards");
    }
    assertThatThrownBy(() -> store.start()).hasMessageContaining("manifest is empty");
  }

  @Test
  void aShardOfAnotherStoreIsRefused(@TempDir Path other) throws Exception {
    store.stop();
    StorageHarness second = new StorageHarness(vertx, other, new JsonObject().put("maxMessagesPerShard", 10)).start();
    second.seedRooms(1);
    second.appendOne(StorageHarness.message(1, 1, "elsewhere", "x"));
    second.stop();
    Files.copy(shard(other, 1), shard(dir, 4), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(Path.of(shard(dir, 4) + "-wal"));
    assertThatThrownBy(() -> store.start()).hasMessageContaining("belongs to store");
  }

  @Test
  void aReadFailingInsideASealedShardSetsItAsideAndOtherRoomsAreServed() throws Exception {
    // verified whole at start, then damaged while serving (a failing disk): the first read inside it finds out
    try (RandomAccessFile file = new RandomAccessFile(shard(dir, 1).toFile(), "rw")) {
      for (long at = 4096; at + 4096 <= file.length(); at += 4096) {
        file.seek(at);
        file.write(new byte[4096]);
      }
    }
    JsonObject page = store.request(Addresses.STORAGE_MESSAGES_HISTORY, new JsonObject().put("roomId", 1)
      .put("limit", 5));
    assertThat(page.getJsonArray("messages")).as("the read goes on without the damaged shard").isEmpty();
    JsonObject damaged = store.stats().getJsonArray("damagedShards").getJsonObject(0);
    assertThat(damaged.getString("shard")).isEqualTo("shard-000001.db");
    assertThat(damaged.getString("reason")).contains("a read failed inside it");
    assertThat(store.wholeHistory(2, 10)).as("room 2 lives elsewhere: all of it is served").hasSize(25);
    assertThat(store.wholeSearch("greeting", null, 50)).hasSize(25);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
