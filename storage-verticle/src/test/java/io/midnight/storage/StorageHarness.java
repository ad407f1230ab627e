package io.midnight.storage;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.BusCodecs;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Drives a real storage verticle on a real data directory over the bus, blocking (test thread only). */
final class StorageHarness {

  final Vertx vertx;
  final Path dir;
  private final JsonObject storage;
  private String deployment;

  StorageHarness(Vertx vertx, Path dir, JsonObject storage) {
    this.vertx = vertx;
    this.dir = dir;
    this.storage = storage;
  }

  StorageHarness start() {
    BusCodecs.register(vertx);
    deployment = vertx.deployVerticle(new StorageVerticle(), new DeploymentOptions()
      .setConfig(new JsonObject().put("dataDir", dir.toString()).put("storage", storage))).await();
    return this;
  }

  void stop() {
    vertx.undeploy(deployment).await();
  }

  void restart() {
    stop();
    start();
  }

  JsonObject request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).await().body();
  }

  void seedRooms(int count) {
    JsonArray rooms = new JsonArray();
    for (int i = 1; i <= count; i++) {
      rooms.add(new JsonObject().put("id", i).put("name", "room " + i));
    }
    request(Addresses.STORAGE_ROOMS_SEED, new JsonObject().put("rooms", rooms));
  }

  static JsonObject message(long roomId, long senderId, String text, String clientMsgId) {
    return new JsonObject().put("roomId", roomId).put("senderId", senderId).put("sender", "user" + senderId)
      .put("text", text).put("clientMsgId", clientMsgId);
  }

  /** Appends in requests of {@code perRequest}; returns every answer in order, as its JSON form. */
  List<JsonObject> append(List<JsonObject> messages, int perRequest) {
    List<JsonObject> acks = new ArrayList<>();
    for (int i = 0; i < messages.size(); i += perRequest) {
      JsonArray chunk = new JsonArray(new ArrayList<>(messages.subList(i, Math.min(messages.size(), i + perRequest))));
      AppendReply reply = vertx.eventBus().<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND,
        AppendRequest.fromJson(new JsonObject().put("messages", chunk))).await().body();
      reply.toJson().getJsonArray("results").forEach(a -> acks.add((JsonObject) a));
    }
    return acks;
  }

  JsonObject appendOne(JsonObject message) {
    return append(List.of(message), 1).get(0);
  }

  /** Every message of a room, newest first, following {@code next} page by page. */
  List<JsonObject> wholeHistory(long roomId, int pageSize) {
    List<JsonObject> all = new ArrayList<>();
    Long before = null;
    do {
      JsonObject page = request(Addresses.STORAGE_MESSAGES_HISTORY, new JsonObject().put("roomId", roomId)
        .put("limit", pageSize).put("beforeSeq", before));
      page.getJsonArray("messages").forEach(m -> all.add((JsonObject) m));
      before = page.getLong("next");
    } while (before != null);
    return all;
  }

  List<JsonObject> wholeSearch(String q, Long roomId, int pageSize) {
    List<JsonObject> all = new ArrayList<>();
    Long before = null;
    do {
      JsonObject page = request(Addresses.STORAGE_MESSAGES_SEARCH, new JsonObject().put("q", q).put("roomId", roomId)
        .put("limit", pageSize).put("beforeId", before));
      page.getJsonArray("messages").forEach(m -> all.add((JsonObject) m));
      before = page.getLong("next");
    } while (before != null);
    return all;
  }

  JsonObject stats() {
    return request(Addresses.STORAGE_STATS, new JsonObject());
  }
}
