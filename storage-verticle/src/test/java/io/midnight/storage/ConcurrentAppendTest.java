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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** 20,000 appends into 10 rooms, all in flight at once, across shard rolls: every room's seqs are 1..n. */
class ConcurrentAppendTest {

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
    store = new StorageHarness(vertx, dir, storage(new JsonObject().put("maxMessagesPerShard", 3_000))).start();
    store.seedRooms(10);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void seqsHaveNoGapAndNoDuplicate() {
    List<Future<AppendReply>> inFlight = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      AppendRequest one = new AppendRequest(List.of(
        new AppendRequest.Item(1 + i % 10, i % 200, "user" + (i % 200), "hny " + i, "c" + i)));
      inFlight.add(vertx.eventBus().<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND, one).map(m -> m.body()));
    }
    Future.all(inFlight).await();
    assertThat(inFlight).allSatisfy(f -> assertThat(f.result().results().get(0).error()).isNull());
    assertThat(store.stats().getLong("messages")).isEqualTo(20_000);
    for (long room = 1; room <= 10; room++) {
      assertThat(store.wholeHistory(room, 200)).extracting(m -> m.getLong("seq"))
        .containsExactlyElementsOf(LongStream.iterate(2_000, s -> s >= 1, s -> s - 1).boxed().toList());
    }
  }
}
