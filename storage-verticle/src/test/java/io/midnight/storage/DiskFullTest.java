package io.midnight.storage;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store on a real 16 MiB filesystem (tmpfs, mounted here as root; skipped with a warning where it cannot be):
 * filled until writes are refused, then given room again. Refusals are {@code disk_full} (or
 * {@code unknown_outcome}), the store is not writable meanwhile, writes resume without a restart, every refused
 * message sent again with its key is stored once, and after a restart every acked message is there, each room's
 * seqs 1..n.
 */
class DiskFullTest {

  private static final Logger LOG = LoggerFactory.getLogger(DiskFullTest.class);
  private static final String TEXT = "🎆 Happy New Year! ".repeat(80);

  Path mount;
  Vertx vertx;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = Files.createTempDirectory("midnight-diskfull");
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString())
      .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      LOG.warn("DiskFullTest skipped: cannot mount a small tmpfs here ({})", out.trim());
      Files.deleteIfExists(mount);
      Assumptions.abort("cannot mount a tmpfs: " + out.trim());
    }
    vertx = Vertx.vertx();
  }

  @AfterEach
  void unmount() throws Exception {
    if (vertx != null) {
      vertx.close().await();
    }
    new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    Files.deleteIfExists(mount);
  }

  @Test
  void fullRefusesWithDiskFullResumesByItselfAndLosesNothingAcked() throws Exception {
    Path data = mount.resolve("data");
    JsonObject config = new JsonObject().put("minFreeMegabytes", 2);
    StorageHarness store = new StorageHarness(vertx, data, config).start();
    store.seedRooms(2);
    Path filler = mount.resolve("filler");
    Files.write(filler, new byte[6 << 20]);

    Map<String, JsonObject> acked = new HashMap<>();
    List<JsonObject> refused = new ArrayList<>();
    Set<String> codes = new HashSet<>();
    int next = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (refused.size() < 50 && next < 20_000 && System.nanoTime() < deadline) {
      List<JsonObject> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++, next++) {
        batch.add(StorageHarness.message(1 + next % 2, 1, TEXT + next, "k" + next));
      }
      settle(store, batch, acked, refused, codes);
    }
    assertThat(refused).as("the disk filled up").isNotEmpty();
    assertThat(codes).as("refusals say what happened").isSubsetOf(Set.of("disk_full", "unknown_outcome"));
    JsonObject stats = store.stats();
    assertThat(stats.getBoolean("writable")).isFalse();
    assertThat(stats.getString("refusal")).contains("disk full");

    Files.delete(filler);
    List<JsonObject> again = new ArrayList<>(refused);
    refused.clear();
    long resumeBy = System.nanoTime() + 10_000_000_000L;
    while (!again.isEmpty() && System.nanoTime() < resumeBy) {
      settle(store, again.subList(0, Math.min(10, again.size())), acked, refused, codes);
      again.subList(0, Math.min(10, again.size())).clear();
      again.addAll(refused);
      refused.clear();
    }
    assertThat(again).as("with room again, writes resume without a restart").isEmpty();
    assertThat(store.stats().getBoolean("writable")).isTrue();

    store.restart();
    Map<Long, List<JsonObject>> rooms = new HashMap<>();
    for (long room = 1; room <= 2; room++) {
      List<JsonObject> history = store.wholeHistory(room, 200);
      rooms.put(room, history);
      for (int i = 0; i < history.size(); i++) {
        assertThat(history.get(i).getLong("seq")).isEqualTo(history.size() - i);
      }
    }
    assertThat(rooms.get(1L).size() + rooms.get(2L).size()).as("each message stored once").isEqualTo(next);
    for (JsonObject ack : acked.values()) {
      JsonObject stored = rooms.get(ack.getLong("room")).get(rooms.get(ack.getLong("room")).size()
        - ack.getLong("seq").intValue());
      assertThat(stored.getLong("id")).as("acked %s is stored as acked", ack).isEqualTo(ack.getLong("id"));
    }
  }

  /** Appends {@code batch} in one request; acks by key into {@code acked}, refused messages into {@code refused}. */
  private static void settle(StorageHarness store, List<JsonObject> batch, Map<String, JsonObject> acked,
                             List<JsonObject> refused, Set<String> codes) {
    AppendReply reply;
    try {
      reply = store.vertx.eventBus().<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND,
        AppendRequest.fromJson(new JsonObject().put("messages", new JsonArray(new ArrayList<>(batch))))).await().body();
    } catch (ReplyException e) { // the whole request refused: none of it written
      codes.add(ErrorCode.of(e).code());
      refused.addAll(batch);
      return;
    }
    JsonArray results = reply.toJson().getJsonArray("results");
    for (int i = 0; i < batch.size(); i++) {
      JsonObject result = results.getJsonObject(i);
      if (result.containsKey("error")) {
        codes.add(result.getJsonObject("error").getString("code"));
        refused.add(batch.get(i));
      } else {
        acked.put(batch.get(i).getString("clientMsgId"), result.copy().put("room", batch.get(i).getLong("roomId")));
      }
    }
  }
}
