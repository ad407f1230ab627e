package io.midnight.storage;

import io.midnight.storage.sqlite.StoreTools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code midnight backup} while a store is being written, then {@code restore} and {@code verify}: the copy starts,
 * is whole, and holds every message acked before the backup began, each room's seqs 1..n without a gap.
 */
class BackupRestoreTest {

  @TempDir
  Path dir;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aBackupTakenWhileWritingRestoresWholeWithEverythingAckedBeforeIt(@TempDir Path backup, @TempDir Path restored)
    throws Exception {
    StorageHarness store = new StorageHarness(vertx, dir, new JsonObject().put("maxMessagesPerShard", 50)).start();
    store.seedRooms(2);
    AtomicInteger acked = new AtomicInteger();
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 400; i += 4) {
        store.append(List.of(StorageHarness.message(1, 1, "a" + i, "a" + i), StorageHarness.message(2, 1, "b" + i, "b" + i),
          StorageHarness.message(1, 2, "c" + i, "c" + i), StorageHarness.message(2, 2, "d" + i, "d" + i)), 4);
        acked.addAndGet(4);
      }
    });
    while (acked.get() < 120) {
      Thread.onSpinWait();
    }
    int ackedBefore = acked.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StoreTools.backup(dir, backup, new PrintStream(out, true, StandardCharsets.UTF_8));
    writing.join();
    store.stop();
    assertThat(StoreTools.verify(dir, new PrintStream(out, true, StandardCharsets.UTF_8))).as(out.toString()).isTrue();

    Path target = restored.resolve("data");
    assertThat(StoreTools.restore(backup, target, new PrintStream(out, true, StandardCharsets.UTF_8)))
      .as(out.toString()).isTrue();
    StorageHarness back = new StorageHarness(vertx, target, new JsonObject().put("maxMessagesPerShard", 50)).start();
    int restoredMessages = 0;
    for (long room = 1; room <= 2; room++) {
      List<JsonObject> history = back.wholeHistory(room, 40);
      for (int i = 0; i < history.size(); i++) {
        assertThat(history.get(i).getLong("seq")).as("room %d, newest first", room).isEqualTo(history.size() - i);
      }
      restoredMessages += history.size();
    }
    assertThat(restoredMessages).as("everything acked before the backup began is in it").isGreaterThanOrEqualTo(ackedBefore);
    JsonObject next = back.appendOne(StorageHarness.message(1, 1, "after the restore", "after"));
    assertThat(next.getLong("seq")).isEqualTo(back.wholeHistory(1, 100).size());
  }
}
