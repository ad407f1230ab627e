package io.midnight.gateway.chat;

import io.midnight.common.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RoomFanout} through a real gateway (two event loops, each with its fan-out) and real sockets: which sockets
 * a delivery reaches, its order across fan-out slices, presence, the room's subscription ending with its last
 * socket, and a client that stops reading being cut off without holding the others up.
 */
class RoomFanoutTest extends ChatHarness {

  static final Duration WAIT = Duration.ofSeconds(10);

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void aDeliveryReachesEachSocketOfItsRoomOnceAndNoOther() {
    start(new JsonObject());
    TestSocket both = connect(1, "alice");
    TestSocket one = connect(2, "bob");
    TestSocket two = connect(3, "carol");
    both.request("join", new JsonObject().put("room", 1));
    both.request("join", new JsonObject().put("room", 2));
    one.request("join", new JsonObject().put("room", 1));
    two.request("join", new JsonObject().put("room", 2));

    fake.publish(1, 1);
    fake.publish(2, 1);
    fake.publish(1, 2);
    await().atMost(WAIT).until(() -> both.events("message").size() == 3 && one.seqs(1).size() == 2
      && two.seqs(2).size() == 1);
    fake.publish(3, 1); // a room nobody here is in
    fake.publish(1, 3); // and one more to each: nothing else came before it
    fake.publish(2, 2);
    await().atMost(WAIT).until(() -> one.seqs(1).size() == 3 && two.seqs(2).size() == 2
      && both.events("message").size() == 5);
    assertThat(both.seqs(1)).containsExactly(1L, 2L, 3L);
    assertThat(both.seqs(2)).containsExactly(1L, 2L);
    assertThat(one.events("message")).extracting(e -> e.getJsonObject(1).getLong("room")).containsOnly(1L);
    assertThat(two.events("message")).extracting(e -> e.getJsonObject(1).getLong("room")).containsOnly(2L);
    // the client's shape: no fromId, and the message's id as the recovery offset
    assertThat(one.events("message").get(0)).isEqualTo(new JsonArray().add("message")
      .add(without(FakeNeighbours.message(1, 1), "fromId")).add(String.valueOf(FakeNeighbours.id(1, 1))));
  }

  private static JsonObject without(JsonObject json, String field) {
    JsonObject copy = json.copy();
    copy.remove(field);
    return copy;
  }

  @Test
  void deliveriesKeepTheirOrderAcrossFanOutSlices() {
    start(new JsonObject());
    TestSocket alice = connect(1, "alice");
    alice.request("join", new JsonObject().put("room", 1));
    int messages = 10 * RoomFanout.FAN_OUT_SLICE + 3;
    // published in one task: they all wait in the fan-out queue together, to be taken a slice at a time
    vertx.runOnContext(v -> {
      for (int seq = 1; seq <= messages; seq++) {
        fake.publish(1, seq);
      }
    });
    await().atMost(WAIT).until(() -> alice.seqs(1).size() >= messages);
    assertThat(alice.seqs(1)).containsExactlyElementsOf(range(1, messages));
    // the session would mend a reordering from the store: in order, it had no gap to read
    assertThat(fake.received(Addresses.MESSAGES_SINCE)).isEmpty();
  }

  @Test
  void presenceCountsTheNodesSocketsInTheRoomWithoutAnOffsetAndALeaveEndsDeliveries() {
    start(new JsonObject());
    TestSocket alice = connect(1, "alice");
    TestSocket bob = connect(2, "bob");
    alice.request("join", new JsonObject().put("room", 1));
    bob.request("join", new JsonObject().put("room", 1));
    // the two sockets are on different loops (connections alternate between the instances): the count is the node's
    await().atMost(WAIT).until(() -> alice.online(1).contains(2) && bob.online(1).contains(2));
    assertThat(alice.events("presence")).allSatisfy(e -> assertThat(e).as("no recovery offset").hasSize(2));
    assertThat(socketStats().getInteger("rooms")).isEqualTo(1);

    bob.request("leave", new JsonObject().put("room", 1));
    await().atMost(WAIT).until(() -> alice.online(1).get(alice.online(1).size() - 1) == 1);
    fake.publish(1, 1);
    fake.publish(2, 1);
    bob.request("join", new JsonObject().put("room", 2)); // a later delivery to Bob, to know the first has gone by
    fake.publish(2, 2);
    await().atMost(WAIT).until(() -> alice.seqs(1).contains(1L) && bob.seqs(2).contains(2L));
    assertThat(bob.seqs(1)).as("nothing of a room left").isEmpty();

    alice.request("leave", new JsonObject().put("room", 1));
    bob.request("leave", new JsonObject().put("room", 2));
    await().atMost(WAIT).until(() -> socketStats().getInteger("rooms") == 0);
  }

  @Test
  void presenceOfABigRoomIsAnnouncedLessOften() {
    assertThat(RoomFanout.presenceInterval(1)).isEqualTo(RoomFanout.PRESENCE_MILLIS);
    assertThat(RoomFanout.presenceInterval(25)).isEqualTo(RoomFanout.PRESENCE_MILLIS);
    assertThat(RoomFanout.presenceInterval(26)).isEqualTo(2 * RoomFanout.PRESENCE_MILLIS);
    assertThat(RoomFanout.presenceInterval(100)).isEqualTo(4 * RoomFanout.PRESENCE_MILLIS);
    assertThat(RoomFanout.presenceInterval(1_000_000)).isEqualTo(RoomFanout.MAX_PRESENCE_MILLIS);
  }

  @Test
  void aClientThatStopsReadingIsCutOffAndTheOthersGetEverything() {
    start(new JsonObject().put("maxQueuedFrames", 200).put("maxQueuedBytes", 512 * 1024));
    TestSocket stuck = connect(1, "stuck", 4_096);
    TestSocket healthy = connect(2, "healthy");
    stuck.request("join", new JsonObject().put("room", 1));
    healthy.request("join", new JsonObject().put("room", 1));
    stuck.pause();

    // 8 KB a delivery, 12 MB in all: well past the kernel's buffers and the bound. Published in rounds that the
    // healthy client takes in before the next: a burst of more than the bound within one loop iteration would
    // reach past the bound of a client that reads at once too (writes are flushed once per iteration)
    String text = "🎆".repeat(2_000);
    int messages = 1_500;
    int round = 25;
    for (int seq = 1; seq <= messages; seq++) {
      vertx.eventBus().publish(Addresses.room(1), FakeNeighbours.message(1, seq).put("text", text));
      if (seq % round == 0) {
        int sent = seq;
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
          .until(() -> healthy.seqs(1).size() >= sent);
      }
    }
    assertThat(healthy.seqs(1)).containsExactlyElementsOf(range(1, messages));
    await().atMost(WAIT).until(() -> socketStats().getLong("slowConsumerDisconnects") == 1);
    assertThat(socketStats().getInteger("sockets")).as("only the healthy client is left").isEqualTo(1);
  }

  @Test
  void aBurstInOneLoopIterationDoesNotCutOffAClientThatReads() {
    start(new JsonObject().put("maxQueuedFrames", 200).put("maxQueuedBytes", 512 * 1024));
    TestSocket reader = connect(1, "reader");
    reader.request("join", new JsonObject().put("room", 1));

    // a midnight burst in a hot room: 1,000 deliveries of ~300 B (300 KB, past Netty's 64 KB high-water mark and
    // the 200-frame bound) published back to back, so many land in one loop iteration before its flush
    String text = "Happy New Year! ".repeat(16);
    int messages = 1_000;
    vertx.runOnContext(v -> {
      for (int seq = 1; seq <= messages; seq++) {
        vertx.eventBus().publish(Addresses.room(1), FakeNeighbours.message(1, seq).put("text", text));
      }
    });
    await().atMost(WAIT).until(() -> reader.seqs(1).size() == messages
      || socketStats().getLong("slowConsumerDisconnects") > 0);
    assertThat(socketStats().getLong("slowConsumerDisconnects")).as("a client that reads is no slow consumer").isZero();
    assertThat(reader.seqs(1)).containsExactlyElementsOf(range(1, messages));
  }
}
