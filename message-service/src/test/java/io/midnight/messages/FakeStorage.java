package io.midnight.messages;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.BusCodecs;
import io.midnight.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The storage verticle as the message service sees it on the bus, small enough to read at a glance: it answers
 * {@code storage.rooms.member} from {@link #join}ed pairs, appends with seqs per room and the idempotency of
 * {@code (sender, clientMsgId)}, and answers history, catch-up and search reads with what they asked; every request is recorded so that tests can
 * count what reached storage. A message whose text starts with {@value #REFUSE} is refused alone with
 * {@code disk_full}, as a real store refuses one message of a batch.
 */
final class FakeStorage extends VerticleBase {

  static final String REFUSE = "refuse";

  final Set<Long> rooms = ConcurrentHashMap.newKeySet();
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  final List<JsonObject> memberLookups = new CopyOnWriteArrayList<>();
  final List<AppendRequest> appends = new CopyOnWriteArrayList<>();
  /** Each acked text's result, so a test can check that every caller got its own. */
  final Map<String, AppendReply.Result> acks = new ConcurrentHashMap<>();
  final List<JsonObject> reads = new CopyOnWriteArrayList<>();
  /**
   * While set, a membership lookup is read at once but answered only by {@link #answerHeldLookups}: a reader thread
   * that is slow to reply, as the real store's reads run on a worker pool beside its writer.
   */
  volatile boolean holdLookups;
  private final List<Runnable> heldLookups = new CopyOnWriteArrayList<>();

  // confined to this verticle's context
  private final Map<Long, Long> lastSeq = new HashMap<>();
  private final Map<String, AppendReply.Result> byClientMsgId = new HashMap<>();
  private long lastId;

  FakeStorage(long... rooms) {
    for (long room : rooms) {
      this.rooms.add(room);
    }
  }

  void join(long roomId, long userId) {
    members.add(roomId + "/" + userId);
  }

  void leave(long roomId, long userId) {
    members.remove(roomId + "/" + userId);
  }

  long lookupsFor(long roomId, long userId) {
    return memberLookups.stream()
      .filter(m -> m.getLong("roomId") == roomId && m.getLong("userId") == userId).count();
  }

  int appendedMessages() {
    return appends.stream().mapToInt(a -> a.messages().size()).sum();
  }

  /** Sends the lookups' answers that {@link #holdLookups} kept back, as they were read. */
  void answerHeldLookups() {
    holdLookups = false;
    context.runOnContext(v -> {
      heldLookups.forEach(Runnable::run);
      heldLookups.clear();
    });
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    var bus = vertx.eventBus();
    return Future.all(List.of(
      bus.<JsonObject>consumer(Addresses.STORAGE_ROOMS_MEMBER, this::member).completion(),
      bus.<AppendRequest>consumer(Addresses.STORAGE_MESSAGES_APPEND, this::append).completion(),
      bus.<JsonObject>consumer(Addresses.STORAGE_MESSAGES_HISTORY, m -> read(m, "history")).completion(),
      bus.<JsonObject>consumer(Addresses.STORAGE_MESSAGES_SINCE, m -> read(m, "since")).completion(),
      bus.<JsonObject>consumer(Addresses.STORAGE_MESSAGES_SEARCH, m -> read(m, "search")).completion()));
  }

  private void member(Message<JsonObject> m) {
    JsonObject body = m.body();
    memberLookups.add(body);
    if (!rooms.contains(body.getLong("roomId"))) {
      ErrorCode.ROOM_NOT_FOUND.fail(m, "no room " + body.getLong("roomId"));
      return;
    }
    JsonObject answer = new JsonObject().put("member", members.contains(body.getLong("roomId") + "/"
      + body.getLong("userId")));
    if (holdLookups) {
      heldLookups.add(() -> m.reply(answer));
    } else {
      m.reply(answer);
    }
  }

  private void append(Message<AppendRequest> m) {
    appends.add(m.body());
    List<AppendReply.Result> results = new ArrayList<>();
    for (AppendRequest.Item item : m.body().messages()) {
      String key = item.clientMsgId() == null ? null : item.senderId() + "/" + item.clientMsgId();
      AppendReply.Result earlier = key == null ? null : byClientMsgId.get(key);
      AppendReply.Result result;
      if (item.text().startsWith(REFUSE)) {
        result = AppendReply.Result.failure(ErrorCode.DISK_FULL, "the disk is full");
      } else if (earlier != null) {
        result = AppendReply.Result.ack(earlier.id(), earlier.room(), earlier.seq(), earlier.ts(), true);
      } else {
        long seq = lastSeq.merge(item.roomId(), 1L, Long::sum);
        result = AppendReply.Result.ack(++lastId, item.roomId(), seq, 1_000 + lastId, false);
        if (key != null) {
          byClientMsgId.put(key, result);
        }
        acks.put(item.text(), result);
      }
      results.add(result);
    }
    m.reply(new AppendReply(results));
  }

  private void read(Message<JsonObject> m, String what) {
    reads.add(m.body().copy().put("read", what));
    m.reply(new JsonObject().put("read", what).put("asked", m.body()));
  }
}
