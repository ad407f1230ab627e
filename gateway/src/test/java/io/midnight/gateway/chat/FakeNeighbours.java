package io.midnight.gateway.chat;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.common.auth.StoreIdentity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the gateway's chat talks to on the bus, faked: the store's identity, joins and leaves answered with the
 * room's last seq, {@code messages.since} (the store's read, passed on by the message service) answered from a
 * message log the test writes, sends acked. The log is the store: {@link #store} writes a message there only (one
 * lost on its way over the bus), {@link #publish} also publishes it on {@code room.<id>} as the message service does.
 * Requests are recorded per address.
 */
final class FakeNeighbours extends VerticleBase {

  static final String STORE = "test-store";

  final Map<String, List<JsonObject>> received = new ConcurrentHashMap<>();
  private final Map<Long, List<JsonObject>> log = new ConcurrentHashMap<>();
  /**
   * While set, {@code messages.since} is read at once but answered only by {@link #answerHeldReads}: a slow
   * store, whose answer holds none of what was stored after the read.
   */
  volatile boolean holdReads;
  /** While set, {@code messages.since} requests fail with this code. */
  volatile ErrorCode failReads;
  /** While set, history requests are never answered. */
  volatile boolean holdHistory;
  private final List<Runnable> held = new CopyOnWriteArrayList<>();
  private Context context;

  List<JsonObject> received(String address) {
    return received.getOrDefault(address, List.of());
  }

  /** A message id: increasing with the seq in every room, as a store's ids are. */
  static long id(long room, long seq) {
    return seq * 100 + room;
  }

  static JsonObject message(long room, long seq) {
    return new JsonObject().put("id", id(room, seq)).put("room", room).put("seq", seq).put("from", "alice")
      .put("fromId", 1L).put("text", "🎆 " + room + "/" + seq).put("ts", 1_767_225_600_000L + seq);
  }

  /** Stores the room's next messages up to {@code seq} without publishing them. */
  void store(long room, long seq) {
    List<JsonObject> messages = log.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>());
    synchronized (messages) {
      for (long s = messages.size() + 1; s <= seq; s++) {
        messages.add(message(room, s));
      }
    }
  }

  /** Stores the message {@code seq} (and any before it) and publishes {@code seq} alone. */
  void publish(long room, long seq) {
    store(room, seq);
    context.owner().eventBus().publish(Addresses.room(room), message(room, seq));
  }

  long lastSeq(long room) {
    return log.getOrDefault(room, List.of()).size();
  }

  /** Sends the answers that {@link #holdReads} kept back, as they were read. */
  void answerHeldReads() {
    holdReads = false;
    context.runOnContext(v -> {
      held.forEach(Runnable::run);
      held.clear();
    });
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return Future.all(List.of(
      serve(Addresses.STORAGE_STATS, m -> m.reply(new JsonObject().put("writable", true)
        .put("store", new StoreIdentity(STORE, 0).toJson()))),
      serve(Addresses.ROOMS_JOIN, m -> m.reply(room(m.body()))),
      serve(Addresses.ROOMS_LEAVE, m -> m.reply(room(m.body()))),
      serve(Addresses.MESSAGES_SEND, m -> m.reply(new JsonObject().put("id", 1).put("seq", 1).put("ts", 2)
        .put("room", m.body().getLong("roomId")).put("duplicate", false))),
      serve(Addresses.MESSAGES_HISTORY, m -> {
        if (!holdHistory) {
          m.reply(new JsonObject().put("messages", new JsonArray()).put("next", (Object) null));
        }
      }),
      serve(Addresses.MESSAGES_SINCE, m -> {
        if (holdReads) {
          JsonObject read = read(m.body());
          held.add(() -> m.reply(read));
        } else if (failReads != null) {
          failReads.fail(m, "the store is not answering");
        } else {
          m.reply(read(m.body()));
        }
      })));
  }

  private JsonObject room(JsonObject body) {
    long room = body.getLong("roomId");
    return new JsonObject().put("id", room).put("name", "room " + room).put("members", 1).put("lastSeq", lastSeq(room));
  }

  private JsonObject read(JsonObject body) {
    long afterSeq = body.getLong("afterSeq", 0L);
    long afterId = body.getLong("afterId", 0L);
    int limit = body.getInteger("limit");
    JsonArray page = new JsonArray();
    boolean more = false;
    for (JsonObject message : new ArrayList<>(log.getOrDefault(body.getLong("roomId"), List.of()))) {
      if (message.getLong("seq") > afterSeq && message.getLong("id") > afterId) {
        if (page.size() == limit) {
          more = true;
          break;
        }
        page.add(message.copy());
      }
    }
    return new JsonObject().put("messages", page).put("more", more);
  }

  private Future<Void> serve(String address, Consumer<Message<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> {
      received.computeIfAbsent(address, a -> new CopyOnWriteArrayList<>()).add(m.body());
      handler.accept(m);
    }).completion();
  }
}
