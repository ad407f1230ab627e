package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed lost users when concurrent writers rewrote users.json. Here 20 concurrent HTTP clients create 10,000
 * users (singles and batches mixed) and 20,000 messages go into 10 rooms from concurrent senders; the store (real SQLite
 * files here; PostgreSQL in the subclass) and the API must then hold exactly that, with every room's seqs 1..n.
 */
class SeedRaceTest {

  @TempDir
  static Path dir;
  static InProcessMidnight midnight;

  static final JsonObject UNLIMITED = new JsonObject()
    .put("messages", new JsonObject().put("ratePerSecond", 100_000.0).put("burst", 100_000));

  @BeforeAll
  static void start() {
    midnight = new InProcessMidnight(dir, UNLIMITED);
  }

  /** Users in the store, distinct usernames, distinct ids: read from the store itself, not through Midnight. */
  long[] storedUsers() throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db") + "?open_mode=1");
         ResultSet rs = db.createStatement().executeQuery("SELECT count(*), count(DISTINCT username), "
           + "count(DISTINCT id) FROM users")) {
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  @AfterAll
  static void stop() {
    midnight.close();
  }

  @Test
  void twentyClientsCreateExactlyTenThousandDistinctUsers() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(20);
    List<Future<Integer>> work = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      int client = c;
      work.add(clients.submit(() -> {
        int created = 0;
        for (int i = 0; i < 250; i++) { // 250 singles per client: 5,000
          Api.Reply r = midnight.api.post("/api/users", null,
            new JsonObject().put("username", "single_" + client + "_" + i));
          assertThat(r.status()).isEqualTo(201);
          created++;
        }
        for (int b = 0; b < 2; b++) { // 2 batches of 125 per client: 5,000
          JsonArray users = new JsonArray();
          for (int i = 0; i < 125; i++) {
            users.add(new JsonObject().put("username", "batch_" + client + "_" + b + "_" + i));
          }
          Api.Reply r = midnight.api.post("/api/users/batch", null, new JsonObject().put("users", users));
          assertThat(r.status()).isEqualTo(201);
          created += r.body().getJsonArray("users").size();
        }
        return created;
      }));
    }
    int total = 0;
    for (Future<Integer> f : work) {
      total += f.get(5, TimeUnit.MINUTES);
    }
    clients.shutdown();
    assertThat(total).isEqualTo(10_000);

    assertThat(storedUsers()).containsExactly(10_000, 10_000, 10_000);
  }

  @Test
  void twentyThousandConcurrentMessagesGiveEveryRoomSeqsOneToN() throws Exception {
    String owner = midnight.api.user("room_owner").getString("token");
    List<Long> rooms = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L));
    for (String name : List.of("🎇 Extra room nine", "🧧 Extra room ten")) {
      rooms.add(midnight.api.post("/api/rooms", owner, new JsonObject().put("name", name)).body().getLong("id"));
    }
    JsonArray batch = new JsonArray();
    for (int u = 0; u < 40; u++) {
      batch.add(new JsonObject().put("username", "sender_" + u));
    }
    JsonArray senders = midnight.api.post("/api/users/batch", null, new JsonObject().put("users", batch)).body()
      .getJsonArray("users");
    for (int u = 0; u < 40; u++) {
      String token = senders.getJsonObject(u).getString("token");
      for (long room : rooms) {
        assertThat(midnight.api.post("/api/rooms/" + room + "/join", token, "{}").status()).isEqualTo(200);
      }
    }

    ConcurrentLinkedQueue<JsonObject> acks = new ConcurrentLinkedQueue<>();
    ExecutorService clients = Executors.newFixedThreadPool(40);
    List<Future<?>> work = new ArrayList<>();
    for (int u = 0; u < 40; u++) {
      String token = senders.getJsonObject(u).getString("token");
      int sender = u;
      work.add(clients.submit(() -> {
        for (int i = 0; i < 500; i++) {
          long room = rooms.get((sender + i) % rooms.size());
          Api.Reply r = midnight.api.post("/api/rooms/" + room + "/messages", token, new JsonObject()
            .put("text", "Happy New Year #" + i + " from " + sender).put("clientMsgId", sender + "-" + i));
          assertThat(r.status()).as(r.body().encode()).isEqualTo(201);
          acks.add(r.body().put("room", room));
        }
      }));
    }
    for (Future<?> f : work) {
      f.get(5, TimeUnit.MINUTES);
    }
    clients.shutdown();
    assertThat(acks).hasSize(20_000);
    assertThat(acks.stream().map(a -> a.getLong("id")).distinct().count()).isEqualTo(20_000);

    for (long room : rooms) {
      List<Long> seqs = new ArrayList<>();
      Long before = null;
      do {
        Api.Reply page = midnight.api.get("/api/rooms/" + room + "/messages?limit=200"
          + (before == null ? "" : "&before=" + before), owner);
        page.body().getJsonArray("messages").forEach(m -> seqs.add(((JsonObject) m).getLong("seq")));
        before = page.body().getLong("next");
      } while (before != null);
      assertThat(seqs).containsExactlyElementsOf(LongStream.iterate(2_000, s -> s >= 1, s -> s - 1).boxed().toList());
    }
    assertThat(midnight.api.get("/api/stats", owner).body().getJsonObject("storage").getLong("messages"))
      .isEqualTo(20_000);
  }
}
