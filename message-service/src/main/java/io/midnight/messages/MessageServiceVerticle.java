package io.midnight.messages;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.midnight.common.Addresses;
import io.midnight.common.AppendRequest;
import io.midnight.common.BusCodecs;
import io.midnight.common.BusEndpoint;
import io.midnight.common.ErrorCode;
import io.midnight.common.Fields;
import io.midnight.common.ServiceException;
import io.midnight.common.limit.TokenBuckets;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends: validates the text, applies the sender's rate limit, checks membership, has storage append durably (with
 * the idempotency key), then publishes the delivery to {@code room.<roomId>}. Storage answers appends one batch
 * at a time, in commit order, on one context, so publishing in answer order publishes each room in seq order.
 * History and search pass through to storage.
 */
public final class MessageServiceVerticle extends VerticleBase {

  /** Meters of the whole service; registered once per node, shared by its instances. */
  private final Counter accepted = Counter.builder("midnight.messages.received")
    .description("messages accepted and stored (a retry of a stored one is not counted again)")
    .register(Meters.registry());
  private final Timer ackLatency = Timer.builder("midnight.ack.latency")
    .description("from a send reaching the message service to its durable ack").publishPercentileHistogram()
    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
    .publishPercentiles(0.5, 0.99) // for the dashboard's live p50/p99 (a decaying window, this node only)
    .register(Meters.registry());

  static final int MAX_CLIENT_MSG_ID = 64;
  static final int APPEND_BATCH = 1_000;
  private static final DeliveryOptions STORAGE = new DeliveryOptions().setSendTimeout(10_000);

  private MessageOptions options;
  private TokenBuckets<Long> limiter;
  private final MembershipCache memberships = new MembershipCache(1_000_000);
  private AppendBatcher appends;

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    options = MessageOptions.fromConfig(config());
    limiter = new TokenBuckets<>(options.ratePerSecond(), options.burst());
    appends = new AppendBatcher(context, vertx.eventBus(), APPEND_BATCH, STORAGE.getSendTimeout());
    vertx.setPeriodic(10_000, id -> limiter.forgetIdle(System.nanoTime()));
    MessageConsumer<JsonObject> changes = vertx.eventBus().consumer(Addresses.MEMBERSHIP_CHANGED, m -> {
      JsonObject change = m.body();
      if (!change.getBoolean("member", true)) {
        memberships.remove(change.getLong("roomId"), change.getLong("userId"));
      }
    });
    return Future.all(List.of(
      changes.completion(),
      handle(Addresses.MESSAGES_SEND, this::send),
      handle(Addresses.MESSAGES_HISTORY, b -> storage(Addresses.STORAGE_MESSAGES_HISTORY, b)),
      handle(Addresses.MESSAGES_SINCE, b -> storage(Addresses.STORAGE_MESSAGES_SINCE, b)),
      handle(Addresses.MESSAGES_SEARCH, b -> storage(Addresses.STORAGE_MESSAGES_SEARCH, b))));
  }

  private Future<JsonObject> send(JsonObject body) {
    long roomId = Fields.requireLong(body, "roomId");
    long userId = Fields.requireLong(body, "userId");
    String username = Fields.requireString(body, "username");
    String text = validText(Fields.requireString(body, "text"));
    String clientMsgId = Fields.optionalString(body, "clientMsgId");
    if (clientMsgId != null && (clientMsgId.isEmpty() || clientMsgId.length() > MAX_CLIENT_MSG_ID)) {
      throw new ServiceException(ErrorCode.INVALID_REQUEST, "clientMsgId must be 1 to " + MAX_CLIENT_MSG_ID
        + " characters");
    }
    long received = System.nanoTime();
    long waitNanos = limiter.acquire(userId, received);
    if (waitNanos > 0) {
      throw ErrorCode.RATE_LIMITED.refusal("rate limit of " + options.ratePerSecond() + " messages/s (burst "
        + options.burst() + ") exceeded", TimeUnit.NANOSECONDS.toMillis(waitNanos));
    }
    return requireMember(roomId, userId)
      .compose(v -> appends.append(new AppendRequest.Item(roomId, userId, username, text, clientMsgId)))
      .map(ack -> {
        ackLatency.record(System.nanoTime() - received, TimeUnit.NANOSECONDS);
        if (!ack.duplicate()) {
          accepted.increment();
          vertx.eventBus().publish(Addresses.room(roomId), new JsonObject()
            .put("id", ack.id()).put("room", roomId).put("seq", ack.seq())
            .put("from", username).put("fromId", userId).put("text", text).put("ts", ack.ts()));
        }
        return ack.ackJson();
      });
  }

  private String validText(String text) {
    int length = text.codePointCount(0, text.length());
    if (length == 0 || text.isBlank()) {
      throw new ServiceException(ErrorCode.INVALID_TEXT, "text must not be empty");
    }
    if (length > options.maxTextLength()) {
      throw new ServiceException(ErrorCode.TEXT_TOO_LONG, "text holds " + length + " characters; the limit is "
        + options.maxTextLength());
    }
    int unpaired = unpairedSurrogate(text);
    if (unpaired >= 0) {
      // stored as UTF-8 it would turn into '?': refuse rather than store something else than was sent
      throw new ServiceException(ErrorCode.INVALID_TEXT, "text holds half of a surrogate pair at character "
        + unpaired + ": it is not valid Unicode");
    }
    return text;
  }

  /** The index of the first surrogate that is not half of a pair, or -1. */
  static int unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a pair: one code point
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private Future<Void> requireMember(long roomId, long userId) {
    if (memberships.contains(roomId, userId)) {
      return Future.succeededFuture();
    }
    long leavesBefore = memberships.leaves();
    return storage(Addresses.STORAGE_ROOMS_MEMBER, new JsonObject().put("roomId", roomId).put("userId", userId))
      .compose(answer -> {
        if (!answer.getBoolean("member")) {
          return ErrorCode.NOT_MEMBER.failed("join room " + roomId + " before sending to it");
        }
        memberships.add(roomId, userId, leavesBefore);
        return Future.succeededFuture();
      });
  }

  private Future<JsonObject> storage(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, STORAGE).map(m -> m.body());
  }

  private Future<Void> handle(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return BusEndpoint.serve(vertx, address, handler).completion();
  }
}
