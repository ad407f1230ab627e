package io.midnight.messages;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The real {@link MessageServiceVerticle} against a {@link FakeStorage} on the bus: the order a send is checked in
 * (fields and text, the sender's token bucket, membership, the durable append), the membership cache, the coalescing
 * of one loop turn's appends into one storage request, what is published on {@code room.<id>}, and the reads it
 * passes on to storage.
 *
 * <p>One event loop: the test's own bus traffic runs on the service's loop, so "one turn" is something a test can
 * arrange (one task that sends many), not a race.
 */
@ExtendWith(VertxExtension.class)
class MessageServiceVerticleTest {

  static final long ALICE = 7;
  static final long BOB = 8;

  Vertx vertx;
  FakeStorage storage;
  String storageId;
  /** What the service published on room.1 and room.2, in arrival order. */
  final List<JsonObject> published = new CopyOnWriteArrayList<>();

  /** Deploys the fake storage (rooms 1 and 2, Alice and Bob members of both) and the service with {@code messages}. */
  void start(JsonObject messages) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    storage = new FakeStorage(1, 2);
    for (long room : new long[] {1, 2}) {
      storage.join(room, ALICE);
      storage.join(room, BOB);
      vertx.eventBus().<JsonObject>consumer(Addresses.room(room), m -> published.add(m.body())).completion().await();
    }
    storageId = vertx.deployVerticle(storage).await();
    vertx.deployVerticle(new MessageServiceVerticle(),
      new DeploymentOptions().setConfig(new JsonObject().put("messages", messages))).await();
  }

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  // ---- rate limit ----

  @Test
  void aBurstPassesAndTheNextSendIsRefusedWithTheWait() {
    // one token per 100 s: nothing refills while the test runs, so the 4th send is refused for sure
    start(new JsonObject().put("ratePerSecond", 0.01).put("burst", 3));
    for (int i = 0; i < 3; i++) {
      assertThat(send(message(1, ALICE, "🎆 " + i)).await().getBoolean("duplicate")).isFalse();
    }
    int lookups = storage.memberLookups.size();

    ReplyException refused = refusal(message(1, ALICE, "one too many"));
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.RATE_LIMITED);
    long retryAfterMs = ErrorCode.retryAfterMillis(refused.getMessage());
    assertThat(retryAfterMs).as("the wait for the next token, in %s", refused.getMessage())
      .isGreaterThan(90_000).isLessThanOrEqualTo(100_000);
    assertThat(ErrorCode.RATE_LIMITED.toJson(refused.getMessage()).getJsonObject("error").getLong("retryAfterMs"))
      .isEqualTo(retryAfterMs);
    assertThat(storage.appendedMessages()).as("a refused send is not appended").isEqualTo(3);
    assertThat(storage.memberLookups).as("nor looked up").hasSize(lookups);

    // the bucket is the sender's: another user in the same room is not slowed down
    assertThat(send(message(1, BOB, "mine")).await().getLong("seq")).isEqualTo(4);
  }

  @Test
  void invalidSendsAreRefusedBeforeTheyCostATokenOrReachStorage() {
    // two tokens and no refill: were the text checked after the bucket, the two good sends at the end would be refused
    start(new JsonObject().put("ratePerSecond", 0.01).put("burst", 2).put("maxTextLength", 10));
    String tooLongKey = "k".repeat(MessageServiceVerticle.MAX_CLIENT_MSG_ID + 1);
    Map<JsonObject, ErrorCode> bad = Map.ofEntries(
      Map.entry(message(1, ALICE, "").put("roomId", null), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("roomId", "room one"), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("userId", null), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("username", null), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("text", null), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("text", 42), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, ""), ErrorCode.INVALID_TEXT),
      Map.entry(message(1, ALICE, " \t\n "), ErrorCode.INVALID_TEXT),
      Map.entry(message(1, ALICE, "eleven char"), ErrorCode.TEXT_TOO_LONG),
      Map.entry(message(1, ALICE, "a \uD83C b"), ErrorCode.INVALID_TEXT),
      Map.entry(message(1, ALICE, "\uDF86 low"), ErrorCode.INVALID_TEXT),
      Map.entry(message(1, ALICE, "x").put("clientMsgId", ""), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("clientMsgId", tooLongKey), ErrorCode.INVALID_REQUEST),
      Map.entry(message(1, ALICE, "x").put("clientMsgId", 5), ErrorCode.INVALID_REQUEST));
    bad.forEach((body, code) -> assertThat(ErrorCode.of(refusal(body))).as("%s", body).isEqualTo(code));
    assertThat(storage.memberLookups).isEmpty();
    assertThat(storage.appends).isEmpty();

    // the limit counts code points, not UTF-16 units: ten fireworks are ten characters
    assertThat(send(message(1, ALICE, "🎆".repeat(10))).await().getLong("seq")).isEqualTo(1);
    String longestKey = "k".repeat(MessageServiceVerticle.MAX_CLIENT_MSG_ID);
    assertThat(send(message(1, ALICE, "ok").put("clientMsgId", longestKey)).await().getLong("seq")).isEqualTo(2);
  }

  // ---- membership ----

  @Test
  void aMembershipIsAskedOnceThenServedFromTheCache() {
    start(new JsonObject());
    send(message(1, ALICE, "first")).await();
    send(message(1, ALICE, "second")).await();
    send(message(1, ALICE, "third")).await();
    assertThat(storage.lookupsFor(1, ALICE)).isEqualTo(1);
    // the cache is per (room, user): another room, or another user, is asked about once too
    send(message(2, ALICE, "elsewhere")).await();
    send(message(1, BOB, "bob")).await();
    assertThat(storage.memberLookups).hasSize(3);
  }

  @Test
  void aNonMemberIsRefusedAndAskedAgainSoThatAJoinCountsAtOnce() {
    start(new JsonObject());
    storage.leave(1, ALICE);
    assertThat(ErrorCode.of(refusal(message(1, ALICE, "before joining")))).isEqualTo(ErrorCode.NOT_MEMBER);
    assertThat(ErrorCode.of(refusal(message(1, ALICE, "still not")))).isEqualTo(ErrorCode.NOT_MEMBER);
    assertThat(storage.lookupsFor(1, ALICE)).as("a refusal is not cached").isEqualTo(2);
    assertThat(storage.appends).isEmpty();

    storage.join(1, ALICE); // storage committed a join: no event needed for the next send to pass
    assertThat(send(message(1, ALICE, "joined")).await().getLong("seq")).isEqualTo(1);
  }

  @Test
  void aLeaveEvictsThatMembershipAndNoOther() {
    start(new JsonObject());
    send(message(1, ALICE, "a")).await();
    send(message(1, BOB, "b")).await();
    send(message(2, ALICE, "c")).await();
    assertThat(storage.memberLookups).hasSize(3);

    storage.leave(1, ALICE);
    // as the user service announces a committed leave; a join announcement evicts nothing (only leaves matter)
    vertx.eventBus().publish(Addresses.MEMBERSHIP_CHANGED, new JsonObject().put("roomId", 1).put("userId", BOB)
      .put("member", true));
    vertx.eventBus().publish(Addresses.MEMBERSHIP_CHANGED, new JsonObject().put("roomId", 1).put("userId", ALICE)
      .put("member", false));
    // the service handles the announcement before a later send: both wait on its one loop, in order
    assertThat(ErrorCode.of(refusal(message(1, ALICE, "after leaving")))).isEqualTo(ErrorCode.NOT_MEMBER);
    assertThat(storage.lookupsFor(1, ALICE)).isEqualTo(2);

    send(message(1, BOB, "b again")).await();
    send(message(2, ALICE, "c again")).await();
    assertThat(storage.lookupsFor(1, BOB)).as("Bob's membership stayed cached").isEqualTo(1);
    assertThat(storage.lookupsFor(2, ALICE)).as("Alice's other room stayed cached").isEqualTo(1);
  }

  @Test
  void aLookupAnsweredAfterTheLeaveWasAnnouncedDoesNotKeepTheMembership() {
    start(new JsonObject());
    storage.holdLookups = true;
    Future<JsonObject> racing = send(message(1, ALICE, "sent while leaving"));
    await().atMost(Duration.ofSeconds(5)).until(() -> storage.lookupsFor(1, ALICE) == 1); // read: still a member
    storage.leave(1, ALICE); // the leave commits and is announced before the slow read is answered
    vertx.eventBus().publish(Addresses.MEMBERSHIP_CHANGED, new JsonObject().put("roomId", 1).put("userId", ALICE)
      .put("member", false));
    storage.answerHeldLookups();
    racing.await(); // a send concurrent with the leave may go either way

    // long after the leave, storage says Alice is no member: her next send must not pass on a stale cache entry
    assertThat(ErrorCode.of(refusal(message(1, ALICE, "after leaving")))).isEqualTo(ErrorCode.NOT_MEMBER);
  }

  @Test
  void anUnknownRoomIsRoomNotFound() {
    start(new JsonObject());
    assertThat(ErrorCode.of(refusal(message(99, ALICE, "to nowhere")))).isEqualTo(ErrorCode.ROOM_NOT_FOUND);
    assertThat(storage.appends).isEmpty();
  }

  // ---- append batching ----

  @Test
  void theSendsOfOneTurnReachStorageAsOneAppendAndEachCallerGetsItsOwnAck(VertxTestContext test)
    throws InterruptedException {
    start(new JsonObject());
    send(message(1, ALICE, "warm-up a")).await(); // memberships cached: later sends reach the batcher in their turn
    send(message(2, BOB, "warm-up b")).await();
    int before = storage.appends.size();

    int sends = 30;
    Checkpoint acked = test.checkpoint(sends);
    vertx.runOnContext(v -> {
      for (int i = 0; i < sends; i++) {
        String text = "m" + i;
        JsonObject body = i % 2 == 0 ? message(1, ALICE, text) : message(2, BOB, text);
        send(body).onComplete(test.succeeding(ack -> test.verify(() -> {
          AppendReply.Result stored = storage.acks.get(text);
          assertThat(ack).as("the ack of %s", text).isEqualTo(stored.ackJson());
          acked.flag();
        })));
      }
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();

    assertThat(storage.appends).as("one request for the whole turn").hasSize(before + 1);
    assertThat(storage.appends.get(before).messages()).extracting(m -> m.text())
      .as("in the order they were sent").containsExactlyElementsOf(IntStream.range(0, sends).mapToObj(i -> "m" + i)
        .toList());
    // published in answer order, which is seq order per room
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == sends + 2);
    assertThat(published.stream().filter(m -> m.getLong("room") == 1).map(m -> m.getLong("seq")))
      .containsExactlyElementsOf(IntStream.rangeClosed(1, sends / 2 + 1).mapToObj(i -> (long) i).toList());
  }

  @Test
  void aBatchHoldsAtMostAppendBatchMessages(VertxTestContext test) throws InterruptedException {
    start(new JsonObject().put("burst", 10_000));
    send(message(1, ALICE, "warm-up")).await();
    int before = storage.appends.size();

    int sends = MessageServiceVerticle.APPEND_BATCH + 500;
    Checkpoint acked = test.checkpoint(sends);
    vertx.runOnContext(v -> {
      for (int i = 0; i < sends; i++) {
        String text = "m" + i;
        send(message(1, ALICE, text)).onComplete(test.succeeding(ack -> test.verify(() -> {
          assertThat(ack.getLong("id")).isEqualTo(storage.acks.get(text).id());
          acked.flag();
        })));
      }
    });
    assertThat(test.awaitCompletion(20, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.appends.subList(before, storage.appends.size())).extracting(a -> a.messages().size())
      .containsExactly(MessageServiceVerticle.APPEND_BATCH, 500);
  }

  @Test
  void aMessageStorageRefusesFailsOnlyItsOwnSend(VertxTestContext test) throws InterruptedException {
    start(new JsonObject());
    send(message(1, ALICE, "warm-up")).await();
    send(message(1, BOB, "warm-up")).await();
    int before = storage.appends.size();
    Checkpoint answered = test.checkpoint(3);
    vertx.runOnContext(v -> {
      send(message(1, ALICE, "before")).onComplete(test.succeeding(ack -> answered.flag()));
      send(message(1, BOB, FakeStorage.REFUSE + " me")).onComplete(test.failing(e -> test.verify(() -> {
        assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.DISK_FULL);
        answered.flag();
      })));
      send(message(1, ALICE, "after")).onComplete(test.succeeding(ack -> answered.flag()));
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.appends).as("the three shared one request").hasSize(before + 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 4);
    assertThat(published).extracting(m -> m.getString("text")).containsExactly("warm-up", "warm-up", "before",
      "after");
  }

  // ---- idempotency, deliveries ----

  @Test
  void aRetryWithTheSameClientMsgIdGetsTheSameAckAndIsNotPublishedAgain() {
    start(new JsonObject());
    JsonObject first = send(message(1, ALICE, "🎇 happy new year").put("clientMsgId", "k1")).await();
    JsonObject retry = send(message(1, ALICE, "🎇 happy new year").put("clientMsgId", "k1")).await();
    assertThat(first.getBoolean("duplicate")).isFalse();
    assertThat(retry.getBoolean("duplicate")).isTrue();
    assertThat(retry.copy().put("duplicate", false)).isEqualTo(first);
    // Bob's "k1" is his own key
    assertThat(send(message(1, BOB, "mine").put("clientMsgId", "k1")).await().getLong("seq")).isEqualTo(2);

    // deliveries of one room arrive in order: had the retry been published, it would come before Bob's
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() >= 2);
    assertThat(published).hasSize(2);
    JsonObject delivery = published.get(0);
    assertThat(delivery).isEqualTo(new JsonObject().put("id", first.getLong("id")).put("room", 1L)
      .put("seq", first.getLong("seq")).put("from", "alice").put("fromId", ALICE).put("text", "🎇 happy new year")
      .put("ts", first.getLong("ts")));
    assertThat(published.get(1).getString("from")).isEqualTo("bob");
  }

  @Test
  void withoutStorageASendIsRefusedUnavailableNeverAcked() {
    start(new JsonObject());
    send(message(1, ALICE, "cached")).await();
    vertx.undeploy(storageId).await();
    // one send with its membership cached (fails at the append), one without (fails at the lookup)
    assertThat(ErrorCode.of(refusal(message(1, ALICE, "lost?")))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(refusal(message(1, BOB, "lost?")))).isEqualTo(ErrorCode.UNAVAILABLE);
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() >= 1);
    assertThat(published).extracting(m -> m.getString("text")).containsExactly("cached");
  }

  @Test
  void historyCatchUpAndSearchPassThroughToStorage() {
    start(new JsonObject());
    JsonObject history = new JsonObject().put("roomId", 1).put("beforeSeq", 10).put("limit", 5);
    JsonObject since = new JsonObject().put("roomId", 1).put("afterSeq", 3).put("afterId", 0).put("limit", 200);
    JsonObject search = new JsonObject().put("q", "fireworks").put("roomId", 2);
    assertThat(request(Addresses.MESSAGES_HISTORY, history))
      .isEqualTo(new JsonObject().put("read", "history").put("asked", history));
    assertThat(request(Addresses.MESSAGES_SINCE, since))
      .isEqualTo(new JsonObject().put("read", "since").put("asked", since));
    assertThat(request(Addresses.MESSAGES_SEARCH, search))
      .isEqualTo(new JsonObject().put("read", "search").put("asked", search));
    assertThat(storage.reads).hasSize(3);
  }

  // ---- helpers ----

  static JsonObject message(long room, long user, String text) {
    return new JsonObject().put("roomId", room).put("userId", user).put("username", user == ALICE ? "alice" : "bob")
      .put("text", text);
  }

  Future<JsonObject> send(JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.MESSAGES_SEND, body).map(Message::body);
  }

  JsonObject request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body).await();
  }

  /** The failure a send is answered with; fails the test if it was acked. */
  ReplyException refusal(JsonObject body) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(() -> send(body).await()).as("%s is refused", body)
      .isInstanceOfSatisfying(ReplyException.class, e -> failure[0] = e);
    return (ReplyException) failure[0];
  }
}
