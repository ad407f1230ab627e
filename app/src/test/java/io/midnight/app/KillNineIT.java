package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durability is a promise: the real jar takes users and messages over HTTP from concurrent clients, is killed with
 * SIGKILL mid-stream, and restarted on the same data directory. Every acknowledged user and message must be
 * there, seqs must continue without a gap, tokens issued before the crash must still work, and retrying what was
 * in flight (same clientMsgId) must never create a duplicate.
 */
class KillNineIT {

  @TempDir
  Path dir;

  /** The server's environment; the PostgreSQL subclass adds its backend. */
  Map<String, String> env() {
    return Map.of("MIDNIGHT_MESSAGES_RATE_PER_SECOND", "100000", "MIDNIGHT_MESSAGES_BURST", "100000");
  }

  /** Every username the store holds, read from the store itself (not through Midnight). */
  Set<String> storedUsernames(Path data) throws Exception {
    Set<String> stored = new HashSet<>();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("catalog.db") + "?open_mode=1");
         ResultSet rs = db.createStatement().executeQuery("SELECT username FROM users")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    return stored;
  }

  record Sent(String token, long room, String clientMsgId, String text) {
  }

  @Test
  void everyAcknowledgedUserAndMessageSurvivesKillNine() throws Exception {
    Path data = dir.resolve("data");
    Path log = dir.resolve("midnight.log");
    int port = MidnightProcess.freePort();
    List<Long> rooms = List.of(1L, 2L, 3L, 4L);
    Set<String> ackedUsers = ConcurrentHashMap.newKeySet();
    Map<String, JsonObject> ackedMessages = new ConcurrentHashMap<>(); // clientMsgId -> ack + room + text
    ConcurrentLinkedQueue<Sent> unacked = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    List<JsonObject> senders;

    try (MidnightProcess first = MidnightProcess.serve(data, port, env(), log)) {
      JsonArray batch = new JsonArray();
      for (int i = 0; i < 16; i++) {
        batch.add(new JsonObject().put("username", "sender_" + i));
      }
      Api.Reply created = first.api.post("/api/users/batch", null, new JsonObject().put("users", batch));
      assertThat(created.status()).isEqualTo(201);
      senders = new ArrayList<>();
      created.body().getJsonArray("users").forEach(u -> senders.add((JsonObject) u));
      for (JsonObject sender : senders) {
        for (long room : rooms) {
          assertThat(first.api.post("/api/rooms/" + room + "/join", sender.getString("token"), "{}").status())
            .isEqualTo(200);
        }
      }

      AtomicInteger messagesAcked = new AtomicInteger();
      CountDownLatch finished = new CountDownLatch(senders.size() + 4);
      for (int s = 0; s < senders.size(); s++) {
        JsonObject sender = senders.get(s);
        int n = s;
        new Thread(() -> {
          try {
            for (int i = 0; i < 1_000_000; i++) {
              long room = rooms.get((n + i) % rooms.size());
              Sent sent = new Sent(sender.getString("token"), room, n + "-" + i, "🎆 Happy New Year " + n + "/" + i);
              try {
                Api.Reply r = first.api.post("/api/rooms/" + room + "/messages", sent.token(),
                  new JsonObject().put("text", sent.text()).put("clientMsgId", sent.clientMsgId()));
                if (r.status() != 201) {
                  problems.add("send answered " + r.status() + " " + r.body());
                  return;
                }
                ackedMessages.put(sent.clientMsgId(), r.body().put("room", room).put("text", sent.text()));
                messagesAcked.incrementAndGet();
              } catch (java.io.UncheckedIOException connectionLost) {
                unacked.add(sent);
                return;
              }
            }
          } finally {
            finished.countDown();
          }
        }).start();
      }
      for (int c = 0; c < 4; c++) {
        int client = c;
        new Thread(() -> {
          try {
            for (int i = 0; i < 1_000_000; i++) {
              String name = "user_" + client + "_" + i;
              try {
                Api.Reply r = i % 10 == 0
                  ? first.api.post("/api/users/batch", null, new JsonObject().put("users", new JsonArray()
                  .add(new JsonObject().put("username", name)).add(new JsonObject().put("username", name + "b"))))
                  : first.api.post("/api/users", null, new JsonObject().put("username", name));
                if (r.status() != 201) {
                  problems.add("user creation answered " + r.status() + " " + r.body());
                  return;
                }
                ackedUsers.add(name);
                if (i % 10 == 0) {
                  ackedUsers.add(name + "b");
                }
              } catch (java.io.UncheckedIOException connectionLost) {
                return;
              }
            }
          } finally {
            finished.countDown();
          }
        }).start();
      }
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .alias("3,000 acked messages and 300 acked users before the kill (or a client's problem)")
        .until(() -> messagesAcked.get() >= 3_000 && ackedUsers.size() >= 300 || !problems.isEmpty());
      first.killNine();
      assertThat(finished.await(60, TimeUnit.SECONDS)).as("clients noticed the crash").isTrue();
    }
    System.out.printf("kill -9 after %d acked users and %d acked messages; %d sends were in flight%n",
      ackedUsers.size(), ackedMessages.size(), unacked.size());
    assertThat(problems).as("answers before the crash").isEmpty();
    assertThat(ackedMessages.size()).isGreaterThanOrEqualTo(3_000);
    assertThat(ackedUsers.size()).isGreaterThanOrEqualTo(300);

    try (MidnightProcess second = MidnightProcess.serve(data, port, env(), log)) {
      assertThat(storedUsernames(data)).containsAll(ackedUsers);

      String reader = senders.get(0).getString("token"); // issued before the crash: the key survived too
      Map<Long, List<JsonObject>> before = new HashMap<>();
      for (long room : rooms) {
        before.put(room, history(second.api, reader, room));
      }
      for (JsonObject ack : ackedMessages.values()) {
        List<JsonObject> roomHistory = before.get(ack.getLong("room"));
        JsonObject stored1 = roomHistory.get(roomHistory.size() - ack.getInteger("seq"));
        assertThat(stored1.getLong("id")).isEqualTo(ack.getLong("id"));
        assertThat(stored1.getString("text")).isEqualTo(ack.getString("text"));
      }

      for (Sent sent : unacked) { // the client never learnt: it retries with the same key
        Api.Reply retry = second.api.post("/api/rooms/" + sent.room() + "/messages", sent.token(),
          new JsonObject().put("text", sent.text()).put("clientMsgId", sent.clientMsgId()));
        assertThat(retry.status()).isIn(200, 201);
      }
      for (long room : rooms) {
        List<JsonObject> after = history(second.api, reader, room);
        long n = after.size();
        assertThat(after).extracting(m -> m.getLong("seq"))
          .containsExactlyElementsOf(LongStream.iterate(n, s -> s >= 1, s -> s - 1).boxed().toList());
        assertThat(after.stream().map(m -> m.getString("text")).distinct().count()).as("no duplicate").isEqualTo(n);
        Api.Reply next = second.api.post("/api/rooms/" + room + "/messages", reader,
          new JsonObject().put("text", "first after restart"));
        assertThat(next.status()).isEqualTo(201);
        assertThat(next.body().getLong("seq")).isEqualTo(n + 1);
      }
    }
  }

  private static List<JsonObject> history(Api api, String token, long room) {
    List<JsonObject> all = new ArrayList<>();
    Long before = null;
    do {
      Api.Reply page = api.get("/api/rooms/" + room + "/messages?limit=200" + (before == null ? "" : "&before=" + before),
        token);
      assertThat(page.status()).isEqualTo(200);
      page.body().getJsonArray("messages").forEach(m -> all.add((JsonObject) m));
      before = page.body().getLong("next");
    } while (before != null);
    return all;
  }
}
