package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway on several event loops: sockets of one room spread over the instances each receive every message
 * once and in seq order, on the live path (concurrent senders), on the catch-up path (a join with {@code sinceSeq}
 * while messages flow) and on the recovery path (a socket that comes back with its {@code pid} and offset).
 */
class MultiLoopFanOutTest {

  static final int INSTANCES = 3;
  static final int PER_PHASE = 100;
  static final int SENDERS = 3;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everySocketGetsEveryMessageOnceInOrderWhicheverLoopItIsOn() throws Exception {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("instances", INSTANCES))
      .put("messages", new JsonObject().put("ratePerSecond", 100_000.0).put("burst", 100_000));
    ExecutorService pool = Executors.newCachedThreadPool();
    try (InProcessMidnight midnight = new InProcessMidnight(dir, config)) {
      List<String> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        String token = midnight.api.user("loop_sender_" + s).getString("token");
        assertThat(midnight.api.post("/api/rooms/1/join", token, "{}").status()).isEqualTo(200);
        senders.add(token);
      }
      List<RawWebSocket> live = new ArrayList<>();
      for (int r = 0; r < 5; r++) {
        RawWebSocket ws = RawWebSocket.connectSocketIo(midnight.port, midnight.api.user("loop_rx_" + r)
          .getString("token"), null);
        ws.join(1, null);
        live.add(ws);
      }
      String laterToken = midnight.api.user("loop_later").getString("token");
      String recoveringToken = midnight.api.user("loop_back").getString("token");
      RawWebSocket recovering = RawWebSocket.connectSocketIo(midnight.port, recoveringToken, null);
      recovering.join(1, null);

      JsonObject socketio = midnight.api.get("/api/stats", senders.get(0)).body().getJsonObject("socketio");
      assertThat(socketio.getInteger("instances")).isEqualTo(INSTANCES);
      JsonArray perLoop = socketio.getJsonArray("sessionsPerLoop");
      assertThat(perLoop.size()).as("sessions per loop %s", perLoop).isGreaterThanOrEqualTo(2);

      List<Future<List<Long>>> readers = new ArrayList<>();
      for (RawWebSocket ws : live) {
        readers.add(pool.submit(() -> {
          List<Long> seen = new ArrayList<>();
          ws.readUntil(seen, 3L * PER_PHASE);
          return seen;
        }));
      }
      List<Long> beforeDrop = new ArrayList<>();
      Future<String> dropped = pool.submit(() -> recovering.readUntil(beforeDrop, PER_PHASE));

      send(pool, midnight, senders, 0);
      String offset = dropped.get(30, TimeUnit.SECONDS);
      String pid = new JsonObject(recovering.connectReply).getString("pid");
      recovering.close(); // the transport drops: the session may be recovered

      Future<?> second = pool.submit(() -> send(pool, midnight, senders, PER_PHASE));
      RawWebSocket later = RawWebSocket.connectSocketIo(midnight.port, laterToken, null);
      later.join(1, 0L); // catch-up from the store while the second phase is live
      Future<List<Long>> laterSeen = pool.submit(() -> {
        List<Long> seen = new ArrayList<>();
        later.readUntil(seen, 3L * PER_PHASE);
        return seen;
      });
      second.get(60, TimeUnit.SECONDS);
      RawWebSocket back = RawWebSocket.connectSocketIo(midnight.port, recoveringToken,
        new JsonObject().put("pid", pid).put("offset", offset));
      assertThat(new JsonObject(back.connectReply).getString("pid")).isEqualTo(pid);
      send(pool, midnight, senders, 2 * PER_PHASE);

      List<Long> all = LongStream.rangeClosed(1, 3L * PER_PHASE).boxed().toList();
      for (Future<List<Long>> reader : readers) {
        assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(all);
      }
      assertThat(laterSeen.get(60, TimeUnit.SECONDS)).isEqualTo(all);
      List<Long> afterDrop = new ArrayList<>(beforeDrop);
      back.readUntil(afterDrop, 3L * PER_PHASE); // no join: the recovered session is in room 1 again
      assertThat(afterDrop).isEqualTo(all);
      for (RawWebSocket ws : live) {
        ws.close();
      }
      later.close();
      back.close();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Messages {@code from + 1 .. from + PER_PHASE}, spread over the senders sending at once; waits for every ack. */
  private static Void send(ExecutorService pool, InProcessMidnight midnight, List<String> senders, int from)
    throws Exception {
    List<Future<?>> work = new ArrayList<>();
    for (int s = 0; s < senders.size(); s++) {
      int sender = s;
      work.add(pool.submit(() -> {
        for (int i = from + sender; i < from + PER_PHASE; i += senders.size()) {
          JsonObject body = new JsonObject().put("text", "🎇 #" + i).put("clientMsgId", "loop-" + i);
          assertThat(midnight.api.post("/api/rooms/1/messages", senders.get(sender), body).status()).isEqualTo(201);
        }
      }));
    }
    for (Future<?> f : work) {
      f.get(60, TimeUnit.SECONDS);
    }
    return null;
  }
}
