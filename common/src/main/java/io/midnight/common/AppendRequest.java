package io.midnight.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@link Addresses#STORAGE_MESSAGES_APPEND}: messages to append, in order. Immutable, so inside one JVM
 * it travels by reference (no copy per hop, see {@link BusCodecs}); between JVMs it travels as JSON.
 */
public record AppendRequest(List<Item> messages) {

  /** One message; {@code clientMsgId} may be null (no idempotency). */
  public record Item(long roomId, long senderId, String sender, String text, String clientMsgId) {
  }

  public AppendRequest {
    messages = List.copyOf(messages);
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray(new ArrayList<>(messages.size()));
    for (Item m : messages) {
      array.add(new JsonObject().put("roomId", m.roomId()).put("senderId", m.senderId()).put("sender", m.sender())
        .put("text", m.text()).put("clientMsgId", m.clientMsgId()));
    }
    return new JsonObject().put("messages", array);
  }

  public static AppendRequest fromJson(JsonObject json) {
    JsonArray array = json.getJsonArray("messages");
    List<Item> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject m = array.getJsonObject(i);
      items.add(new Item(m.getLong("roomId"), m.getLong("senderId"), m.getString("sender"), m.getString("text"),
        m.getString("clientMsgId")));
    }
    return new AppendRequest(items);
  }
}
