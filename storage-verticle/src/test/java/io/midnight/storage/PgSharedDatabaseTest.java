package io.midnight.storage;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two storage verticles, each in a Vert.x of its own, append to one PostgreSQL database at once: the same rooms,
 * and every key sent to both. Each room's seqs must be 1..n without gap or repeat, and each key stored once, both
 * instances answering it with the same ack.
 */
class PgSharedDatabaseTest {

  @TempDir
  Path dir;
  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();
  private Vertx one;
  private Vertx two;
  private StorageHarness first;
  private StorageHarness second;

  @BeforeEach
  void start() {
    JsonObject storage = database.storage(new JsonObject().put("maxMessagesPerShard", 2_000).put("maxBatch", 500));
    one = Vertx.vertx();
    two = Vertx.vertx();
    first = new StorageHarness(one, dir.resolve("one"), storage).start();
    second = new StorageHarness(two, dir.resolve("two"), storage).start();
    first.seedRooms(5);
    second.seedRooms(5); // seeding again is harmless
  }

  @AfterEach
  void stop() {
    one.close().await();
    two.close().await();
  }

  @Test
  void twoInstancesKeepEveryRoomsSeqsAndEveryKeyOnce() {
    int keys = 6_000;
    List<Future<AppendReply>> fromOne = new ArrayList<>();
    List<Future<AppendReply>> fromTwo = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      AppendRequest request = new AppendRequest(List.of(
        new AppendRequest.Item(1 + i % 5, i % 100, "user" + (i % 100), "hny " + i, "k" + i)));
      fromOne.add(one.eventBus().<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND, request).map(m -> m.body()));
      fromTwo.add(two.eventBus().<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND, request).map(m -> m.body()));
    }
    Future.all(fromOne).await();
    Future.all(fromTwo).await();

    int duplicates = 0;
    for (int i = 0; i < keys; i++) {
      AppendReply.Result a = fromOne.get(i).result().results().get(0);
      AppendReply.Result b = fromTwo.get(i).result().results().get(0);
      assertThat(a.error()).isNull();
      assertThat(b.error()).isNull();
      assertThat(List.of(a.id(), a.room(), a.seq(), a.ts())).as("key k%d: one message, one ack", i)
        .isEqualTo(List.of(b.id(), b.room(), b.seq(), b.ts()));
      assertThat(a.duplicate() ^ b.duplicate()).as("exactly one of the two stored k%d", i).isTrue();
      duplicates += b.duplicate() ? 1 : 0;
    }
    System.out.printf("instance two found %d of %d keys already stored by instance one%n", duplicates, keys);

    assertThat(first.stats().getLong("messages")).isEqualTo(keys);
    Map<Long, Long> idOfSeq = new HashMap<>();
    for (long room = 1; room <= 5; room++) {
      List<JsonObject> history = second.wholeHistory(room, 200);
      assertThat(history).extracting(m -> m.getLong("seq"))
        .containsExactlyElementsOf(LongStream.iterate(keys / 5, s -> s >= 1, s -> s - 1).boxed().toList());
      for (int k = 1; k < history.size(); k++) {
        assertThat(history.get(k).getLong("id")).as("within a room, id order is seq order")
          .isLessThan(history.get(k - 1).getLong("id"));
      }
      history.forEach(m -> idOfSeq.put(m.getLong("id"), m.getLong("seq")));
    }
    assertThat(idOfSeq).hasSize(keys);
  }
}
