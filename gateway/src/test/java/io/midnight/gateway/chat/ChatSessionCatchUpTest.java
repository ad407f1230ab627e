package io.midnight.gateway.chat;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ChatSession} through a real gateway and real sockets: each room reaches a client in seq order, with no gap
 * and no duplicate, whether a delivery was lost on the bus (the gap is read from the store), the client joins with
 * {@code sinceSeq} (what it missed is replayed page by page while live deliveries wait) or the store cannot answer
 * the replay for a while.
 */
class ChatSessionCatchUpTest extends ChatHarness {

  static final Duration WAIT = Duration.ofSeconds(10);

  @BeforeEach
  void start() {
    start(new JsonObject());
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void aGapInLiveTrafficIsFilledFromTheStoreInOrderWithoutDuplicates() {
    fake.store(1, 5);
    TestSocket alice = connect(1, "alice");
    assertThat(alice.request("join", new JsonObject().put("room", 1)).getLong("lastSeq")).isEqualTo(5);
    fake.publish(1, 6);
    await().atMost(WAIT).until(() -> alice.seqs(1).contains(6L));
    assertThat(fake.received(Addresses.MESSAGES_SINCE)).as("no read without a gap").isEmpty();

    fake.store(1, 8); // 7 and 8 are stored, but their deliveries are lost on the bus
    fake.publish(1, 9);
    await().atMost(WAIT).until(() -> alice.seqs(1).contains(9L));
    assertThat(fake.received(Addresses.MESSAGES_SINCE)).containsExactly(new JsonObject().put("roomId", 1L)
      .put("afterSeq", 6L).put("afterId", 0L).put("limit", ChatSession.REPLAY_PAGE));

    fake.publish(1, 9); // delivered twice by the bus: the second is dropped
    fake.publish(1, 10);
    await().atMost(WAIT).until(() -> alice.seqs(1).contains(10L));
    assertThat(alice.seqs(1)).containsExactlyElementsOf(range(6, 10));
    // each message carries its own id as the recovery offset: the client is up to date
    assertThat(alice.events("message")).allSatisfy(e -> {
      assertThat(e).hasSize(3);
      assertThat(e.getString(2)).isEqualTo(String.valueOf(e.getJsonObject(1).getLong("id")));
    });
    assertThat(alice.events("message").get(0).getJsonObject(1).fieldNames())
      .containsExactlyInAnyOrder("id", "room", "seq", "from", "text", "ts");
  }

  @Test
  void aJoinWithSinceSeqIsReplayedPageByPage() {
    int stored = 2 * ChatSession.REPLAY_PAGE + 50;
    fake.store(1, stored);
    TestSocket alice = connect(1, "alice");
    assertThat(alice.request("join", new JsonObject().put("room", 1).put("sinceSeq", 0)).getLong("lastSeq"))
      .isEqualTo(stored);
    // no live traffic: the replay alone must bring everything
    await().atMost(WAIT).until(() -> alice.seqs(1).size() >= stored);
    assertThat(alice.seqs(1)).as("everything once, in order").containsExactlyElementsOf(range(1, stored));
    assertThat(fake.received(Addresses.MESSAGES_SINCE)).extracting(r -> r.getLong("afterSeq"))
      .as("one read per page").containsExactly(0L, (long) ChatSession.REPLAY_PAGE, 2L * ChatSession.REPLAY_PAGE);
  }

  @Test
  void liveDeliveriesDuringAReplayWaitForItAndFollowIt() {
    fake.store(1, 5);
    fake.holdReads = true; // a slow store: the read is made now, its answer comes after live traffic went on
    TestSocket alice = connect(1, "alice");
    alice.request("join", new JsonObject().put("room", 1).put("sinceSeq", 2));
    await().atMost(WAIT).until(() -> fake.received(Addresses.MESSAGES_SINCE).size() == 1);
    fake.publish(1, 6);
    fake.publish(1, 7);
    fake.answerHeldReads(); // 3..5: what was stored when the read was made

    await().atMost(WAIT).until(() -> alice.seqs(1).contains(7L));
    assertThat(alice.seqs(1)).containsExactlyElementsOf(range(3, 7));
    assertThat(fake.received(Addresses.MESSAGES_SINCE)).as("6 and 7 came live, not from another read")
      .hasSize(1);
  }

  @Test
  void aReplayTheStoreCannotAnswerIsReportedAndReadAgainAtTheNextGap() {
    fake.store(1, 5);
    fake.failReads = ErrorCode.UNAVAILABLE;
    TestSocket alice = connect(1, "alice");
    alice.request("join", new JsonObject().put("room", 1).put("sinceSeq", 2));
    await().atMost(WAIT).until(() -> !alice.events("error").isEmpty());
    JsonObject error = alice.events("error").get(0).getJsonObject(1);
    assertThat(error.getString("code")).isEqualTo("unavailable");
    assertThat(error.getString("message")).startsWith("cannot replay room 1");

    fake.failReads = null;
    fake.publish(1, 6); // seq 6 after 2: a gap, so 3..5 are read now
    await().atMost(WAIT).until(() -> alice.seqs(1).contains(6L));
    assertThat(alice.seqs(1)).containsExactlyElementsOf(range(3, 6));
  }

  @Test
  void aMessageIsSentAsTheTokensUserWhateverTheClientClaims() {
    TestSocket alice = connect(1, "alice");
    JsonObject ack = alice.request("message", new JsonObject().put("room", 1).put("text", "🎆")
      .put("clientMsgId", "k1").put("userId", 99).put("username", "mallory"));
    assertThat(ack).isEqualTo(new JsonObject().put("id", 1L).put("seq", 1L).put("ts", 2L));
    assertThat(fake.received(Addresses.MESSAGES_SEND)).containsExactly(new JsonObject().put("roomId", 1L)
      .put("userId", 1L).put("username", "alice").put("text", "🎆").put("clientMsgId", "k1"));
  }

  @Test
  void pastMaxInFlightRequestsOfOneSocketAreRefused() {
    fake.holdHistory = true;
    TestSocket alice = connect(1, "alice");
    List<Future<JsonArray>> waiting = new ArrayList<>();
    for (int i = 0; i < ChatSession.MAX_IN_FLIGHT; i++) {
      waiting.add(alice.emit("history", new JsonObject().put("room", 1)));
    }
    await().atMost(WAIT).until(() -> fake.received(Addresses.MESSAGES_HISTORY).size() == ChatSession.MAX_IN_FLIGHT);
    JsonObject refused = alice.request("history", new JsonObject().put("room", 1));
    assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(fake.received(Addresses.MESSAGES_HISTORY)).hasSize(ChatSession.MAX_IN_FLIGHT);
    assertThat(waiting).noneMatch(Future::isComplete);
  }
}
