package io.midnight.storage;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.storage.postgres.PgStore;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The appends' connection to PostgreSQL is cut again and again ({@code pg_terminate_backend}) while a client appends
 * and retries what was refused with the same key. A batch whose COMMIT never answered may or may not be stored;
 * either way nothing is acked that is not stored, the retry finds what was, and each room's seqs stay 1..n.
 */
class PgConnectionLossTest {

  @TempDir
  Path dir;
  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();
  private Vertx vertx;
  private StorageHarness store;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = new StorageHarness(vertx, dir, database.storage(new JsonObject().put("maxBatch", 200))).start();
    store.seedRooms(3);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void cutConnectionsNeverLoseOrDuplicateAnAck() throws Exception {
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger cuts = new AtomicInteger();
    Thread cutter = new Thread(() -> {
      while (sending.get()) {
        List<?> cut = database.db().query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          + "WHERE application_name = $1", PgStore.APPENDER_NAME);
        cuts.addAndGet(cut.size());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    cutter.start();
    int messages = 12_000;
    int refused = 0;
    Map<String, AppendReply.Result> acks = new HashMap<>();
    try {
      for (int i = 0; i < messages; i += 100) {
        List<AppendRequest.Item> items = new ArrayList<>();
        for (int k = i; k < i + 100; k++) {
          items.add(new AppendRequest.Item(1 + k % 3, k % 10, "user" + (k % 10), "cut " + k, "key" + k));
        }
        while (true) { // a refused request is sent again, same keys, until it is acked
          try {
            AppendReply reply = vertx.eventBus().<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND,
              new AppendRequest(items)).await().body();
            for (int k = 0; k < items.size(); k++) {
              assertThat(reply.results().get(k).error()).isNull();
              acks.put(items.get(k).clientMsgId(), reply.results().get(k));
            }
            break;
          } catch (io.vertx.core.eventbus.ReplyException e) {
            assertThat(e.getMessage()).contains("storage");
            refused++;
          }
        }
      }
    } finally {
      sending.set(false);
      cutter.join();
    }
    System.out.printf("%d connections cut, %d requests refused and sent again, %d acked%n", cuts.get(), refused,
      acks.size());
    assertThat(cuts.get()).as("the test cut the connection at least once").isPositive();
    assertThat(acks).hasSize(messages);
    for (long room = 1; room <= 3; room++) {
      List<JsonObject> history = store.wholeHistory(room, 200);
      assertThat(history).extracting(m -> m.getLong("seq"))
        .containsExactlyElementsOf(LongStream.iterate(messages / 3, s -> s >= 1, s -> s - 1).boxed().toList());
      for (JsonObject m : history) {
        AppendReply.Result ack = acks.get("key" + m.getString("text").substring(4));
        assertThat(ack.id()).as("the stored message is the acked one").isEqualTo(m.getLong("id"));
        assertThat(ack.seq()).isEqualTo(m.getLong("seq"));
      }
    }
  }
}
