package io.midnight.messages;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.BusCodecs;
import io.midnight.common.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AppendBatcher} on its own: what one turn's appends become on the bus, and how answers go back. */
@ExtendWith(VertxExtension.class)
class AppendBatcherTest {

  Vertx vertx;
  Context context;
  final List<AppendRequest> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    BusCodecs.register(vertx);
    this.context = vertx.getOrCreateContext();
  }

  /** A storage that answers each message with an ack whose id is the message's index in its request plus 1. */
  void storageAcking() {
    storage(m -> {
      List<AppendReply.Result> results = new ArrayList<>();
      for (int i = 0; i < m.body().messages().size(); i++) {
        AppendRequest.Item item = m.body().messages().get(i);
        results.add(AppendReply.Result.ack(i + 1, item.roomId(), i + 1, 0, false));
      }
      m.reply(new AppendReply(results));
    });
  }

  void storage(Consumer<Message<AppendRequest>> answer) {
    vertx.eventBus().<AppendRequest>consumer(Addresses.STORAGE_MESSAGES_APPEND, m -> {
      requests.add(m.body());
      answer.accept(m);
    }).completion().await();
  }

  static AppendRequest.Item item(String text) {
    return new AppendRequest.Item(1, 1, "alice", text, null);
  }

  @Test
  void aFullBatchGoesAtOnceAndTheRestAtTheEndOfTheTurn(VertxTestContext test) throws InterruptedException {
    storageAcking();
    AppendBatcher batcher = new AppendBatcher(context, vertx.eventBus(), 2, 5_000);
    Checkpoint acked = test.checkpoint(5);
    context.runOnContext(v -> {
      for (int i = 0; i < 5; i++) {
        long expectedId = i % 2 + 1; // its place in its request of (at most) two
        batcher.append(item("m" + i)).onComplete(test.succeeding(ack -> test.verify(() -> {
          assertThat(ack.id()).isEqualTo(expectedId);
          acked.flag();
        })));
      }
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
    assertThat(requests).extracting(r -> r.messages().stream().map(m -> m.text()).toList())
      .containsExactly(List.of("m0", "m1"), List.of("m2", "m3"), List.of("m4"));
  }

  @Test
  void appendsOfLaterTurnsAreNotHeldBack(VertxTestContext test) {
    storageAcking();
    AppendBatcher batcher = new AppendBatcher(context, vertx.eventBus(), 1_000, 5_000);
    // the second append is made only once the first is acked: it must go on its own, not wait for company
    context.runOnContext(v -> batcher.append(item("first"))
      .compose(ack -> batcher.append(item("second")))
      .onComplete(test.succeeding(ack -> test.verify(() -> {
        assertThat(requests).hasSize(2);
        test.completeNow();
      }))));
  }

  @Test
  void aFailedRequestFailsEveryCallerInItAndTheNextBatchGoesOn(VertxTestContext test) {
    storage(m -> {
      if (requests.size() == 1) {
        ErrorCode.UNKNOWN_OUTCOME.fail(m, "the commit's outcome is unknown");
      } else {
        m.reply(new AppendReply(List.of(AppendReply.Result.ack(9, 1, 9, 0, false))));
      }
    });
    AppendBatcher batcher = new AppendBatcher(context, vertx.eventBus(), 1_000, 5_000);
    Checkpoint failed = test.checkpoint(3);
    Checkpoint later = test.checkpoint();
    context.runOnContext(v -> {
      for (int i = 0; i < 3; i++) {
        batcher.append(item("m" + i)).onComplete(test.failing(e -> test.verify(() -> {
          assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.UNKNOWN_OUTCOME);
          failed.flag();
        })));
      }
      vertx.setTimer(1, t -> batcher.append(item("next turn")).onComplete(test.succeeding(ack -> test.verify(() -> {
        assertThat(ack.seq()).isEqualTo(9);
        later.flag();
      }))));
    });
  }

  @Test
  void aReplyWithTooFewResultsFailsEveryCallerRatherThanLeavingSomeWaiting(VertxTestContext test) {
    storage(m -> m.reply(new AppendReply(List.of(AppendReply.Result.ack(1, 1, 1, 0, false)))));
    AppendBatcher batcher = new AppendBatcher(context, vertx.eventBus(), 1_000, 5_000);
    Checkpoint failed = test.checkpoint(3);
    context.runOnContext(v -> {
      for (int i = 0; i < 3; i++) {
        batcher.append(item("m" + i)).onComplete(test.failing(e -> test.verify(() -> {
          assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.UNKNOWN_OUTCOME);
          failed.flag();
        })));
      }
    });
  }

  @Test
  void aStorageThatNeverAnswersFailsTheCallersAfterTheTimeout(VertxTestContext test) {
    storage(m -> { }); // holds the request
    AppendBatcher batcher = new AppendBatcher(context, vertx.eventBus(), 1_000, 200);
    Checkpoint failed = test.checkpoint(2);
    long t0 = System.nanoTime();
    context.runOnContext(v -> {
      for (int i = 0; i < 2; i++) {
        batcher.append(item("m" + i)).onComplete(test.failing(e -> test.verify(() -> {
          assertThat(e).isInstanceOfSatisfying(ReplyException.class,
            r -> assertThat(r.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
          assertThat(ErrorCode.of(e)).as("retryable").isEqualTo(ErrorCode.UNAVAILABLE);
          assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(200_000_000L);
          failed.flag();
        })));
      }
    });
  }
}
