package io.midnight.app;

import io.midnight.storage.PgTestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClusterIT} with the PostgreSQL backend (a fresh database of the local server), and storage failover with
 * two storage nodes sharing that database: one is killed with SIGKILL while senders keep going through a gateway;
 * every acked message is stored once and every room's seqs stay 1..n.
 */
class PgClusterIT extends ClusterIT {

  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();

  @Override
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>(super.env());
    env.put("MIDNIGHT_MESSAGES_RATE_PER_SECOND", "100000");
    env.put("MIDNIGHT_MESSAGES_BURST", "100000");
    return env;
  }

  /** The store is named by the flag here ({@code PgKillNineIT} names it in the environment). */
  @Override
  List<String> node(String verticles, int hzPort, String members, String name) {
    List<String> args = super.node(verticles, hzPort, members, name);
    args.addAll(List.of("--postgres", database.db().url()));
    return args;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void twoStorageNodesShareOneDatabaseAndTheSurvivorTakesOverAKill() throws Exception {
    int[] hz = {MidnightProcess.freePort(), MidnightProcess.freePort(), MidnightProcess.freePort()};
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
    int port = MidnightProcess.freePort();
    String services = "storage,user-service,message-service";
    try (MidnightProcess first = MidnightProcess.start(node(services, hz[0], members, "s1"), 0, env(),
           dir.resolve("s1.log"));
         MidnightProcess second = MidnightProcess.start(node(services, hz[1], members, "s2"), 0, env(),
           dir.resolve("s2.log"));
         MidnightProcess gateway = MidnightProcess.start(gateway(hz[2], members, port, "g"), port, env(),
           dir.resolve("g.log"))) {
      List<String> tokens = new ArrayList<>();
      for (int u = 0; u < 4; u++) {
        String token = gateway.api.user("failover_" + u).getString("token");
        for (long room = 1; room <= 2; room++) {
          assertThat(gateway.api.post("/api/rooms/" + room + "/join", token, "{}").status()).isEqualTo(200);
        }
        tokens.add(token);
      }
      Map<String, JsonObject> acked = new ConcurrentHashMap<>(); // clientMsgId -> ack with its room and text
      AtomicInteger refused = new AtomicInteger();
      ExecutorService senders = Executors.newFixedThreadPool(tokens.size());
      List<Future<?>> work = new ArrayList<>();
      for (int u = 0; u < tokens.size(); u++) {
        int sender = u;
        work.add(senders.submit(() -> {
          for (int i = 0; i < 150; i++) {
            long room = 1 + (sender + i) % 2;
            String key = sender + "-" + i;
            JsonObject body = new JsonObject().put("text", "🎆 failover " + key).put("clientMsgId", key);
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) { // a client retries a refused send with the same key until it is acked
              Api.Reply r = gateway.api.post("/api/rooms/" + room + "/messages", tokens.get(sender), body);
              if (r.status() == 201 || r.status() == 200) {
                acked.put(key, r.body().put("room", room).put("text", body.getString("text")));
                break;
              }
              assertThat(r.status()).as("only retryable refusals: %s", r.body()).isEqualTo(503);
              assertThat(System.currentTimeMillis()).as("the survivor takes over within a minute").isLessThan(deadline);
              refused.incrementAndGet();
              Thread.sleep(100);
            }
          }
          return null;
        }));
      }
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(() -> {
        for (Future<?> f : work) {
          if (f.isDone()) {
            f.get(); // a sender that failed says why now, instead of the wait never ending
          }
        }
        return acked.size() >= 150;
      });
      first.killNine();
      int ackedAtKill = acked.size();
      for (Future<?> f : work) {
        f.get(4, TimeUnit.MINUTES);
      }
      senders.shutdown();
      System.out.printf("storage node 1 killed after %d acks; %d sends refused (503) and retried; %d acked in all%n",
        ackedAtKill, refused.get(), acked.size());
      assertThat(acked).hasSize(600);

      for (long room = 1; room <= 2; room++) {
        List<JsonObject> history = new ArrayList<>();
        Long before = null;
        do {
          Api.Reply page = gateway.api.get("/api/rooms/" + room + "/messages?limit=200"
            + (before == null ? "" : "&before=" + before), tokens.get(0));
          page.body().getJsonArray("messages").forEach(m -> history.add((JsonObject) m));
          before = page.body().getLong("next");
        } while (before != null);
        assertThat(history).extracting(m -> m.getLong("seq")).as("room %d: seqs n..1, no gap, no repeat", room)
          .containsExactlyElementsOf(LongStream.iterate(300, s -> s >= 1, s -> s - 1).boxed().toList());
        assertThat(history.stream().map(m -> m.getString("text")).distinct()).as("each send stored once").hasSize(300);
        for (JsonObject ack : acked.values()) {
          if (ack.getLong("room") == room) {
            JsonObject stored = history.get(history.size() - ack.getInteger("seq"));
            assertThat(stored.getLong("id")).isEqualTo(ack.getLong("id"));
            assertThat(stored.getString("text")).isEqualTo(ack.getString("text"));
          }
        }
      }
      JsonArray rows = new JsonArray();
      database.db().query("SELECT count(*) FROM messages").forEach(r -> rows.add(r.getLong(0)));
      assertThat(rows.getLong(0)).isEqualTo(600);
    }
  }
}
