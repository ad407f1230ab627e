package io.midnight.users;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.common.auth.StoreIdentity;
import io.midnight.common.names.UserNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The storage verticle as the user service sees it on the bus: its identity in the stats, the seed, users (all or
 * nothing per request, names compared by {@link UserNames#key} as the real store does) and rooms 1..8. Every request
 * is recorded per address, so a test sees what reached storage and what did not.
 */
final class FakeStorage extends VerticleBase {

  static final String STORE = "test-store";
  static final long ROOMS = 8;

  /** Address -> the bodies it received, in order. */
  final Map<String, List<JsonObject>> received = new ConcurrentHashMap<>();
  /** Username -> the stored row {id, username, passwordHash}. */
  final Map<String, JsonObject> users = new ConcurrentHashMap<>();
  private final boolean saysWhichStore;
  private long lastId;

  FakeStorage(boolean saysWhichStore) {
    this.saysWhichStore = saysWhichStore;
  }

  List<JsonObject> received(String address) {
    return received.getOrDefault(address, List.of());
  }

  @Override
  public Future<?> start() {
    return Future.all(List.of(
      serve(Addresses.STORAGE_STATS, m -> m.reply(saysWhichStore
        ? new JsonObject().put("store", new StoreIdentity(STORE, 1_700_000_000_000L).toJson()) : new JsonObject())),
      serve(Addresses.STORAGE_ROOMS_SEED, m -> m.reply(new JsonObject()
        .put("created", m.body().getJsonArray("rooms").size()))),
      serve(Addresses.STORAGE_USERS_CREATE, this::createUsers),
      serve(Addresses.STORAGE_USERS_FIND, m -> {
        JsonObject user = users.get(m.body().getString("username"));
        if (user == null) {
          ErrorCode.USER_NOT_FOUND.fail(m, "no such user");
        } else {
          m.reply(user.copy());
        }
      }),
      serve(Addresses.STORAGE_ROOMS_LIST, m -> m.reply(new JsonObject().put("rooms", new JsonArray()))),
      serve(Addresses.STORAGE_ROOMS_CREATE, m -> m.reply(new JsonObject().put("id", 9)
        .put("name", m.body().getString("name")).put("members", 1))),
      serve(Addresses.STORAGE_ROOMS_JOIN, this::room),
      serve(Addresses.STORAGE_ROOMS_LEAVE, this::room)));
  }

  private Future<Void> serve(String address, Consumer<Message<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> {
      received.computeIfAbsent(address, a -> new CopyOnWriteArrayList<>()).add(m.body());
      handler.accept(m);
    }).completion();
  }

  private void createUsers(Message<JsonObject> m) {
    JsonArray rows = m.body().getJsonArray("users");
    Set<String> keys = new HashSet<>();
    users.keySet().forEach(name -> keys.add(UserNames.key(name)));
    for (int i = 0; i < rows.size(); i++) {
      if (!keys.add(UserNames.key(rows.getJsonObject(i).getString("username")))) {
        ErrorCode.USERNAME_TAKEN.fail(m, "username already taken");
        return;
      }
    }
    JsonArray created = new JsonArray();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      JsonObject user = new JsonObject().put("id", ++lastId).put("username", row.getString("username"));
      users.put(row.getString("username"), user.copy().put("passwordHash", row.getString("passwordHash")));
      created.add(user);
    }
    m.reply(new JsonObject().put("users", created));
  }

  private void room(Message<JsonObject> m) {
    long roomId = m.body().getLong("roomId");
    if (roomId < 1 || roomId > ROOMS) {
      ErrorCode.ROOM_NOT_FOUND.fail(m, "no room " + roomId);
    } else {
      m.reply(new JsonObject().put("id", roomId).put("name", "room " + roomId).put("members", 1));
    }
  }
}
