package io.midnight.messages;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces the appends that arrive within one event-loop turn into one {@code storage.messages.append} request
 * (at most {@code maxMessages}), so the bus costs one round trip per group, not per message. A lone message is
 * sent at the end of the current turn: coalescing adds no waiting, only sharing. Acks come back in order and
 * complete each caller's future in that order. Context-bound: call {@link #append} on its context only.
 */
public final class AppendBatcher {

  private final Context context;
  private final EventBus bus;
  private final int maxMessages;
  private final DeliveryOptions delivery;
  private List<JsonObject> messages = new ArrayList<>();
  private List<Promise<JsonObject>> waiting = new ArrayList<>();

  public AppendBatcher(Context context, EventBus bus, int maxMessages, long timeoutMs) {
    this.context = context;
    this.bus = bus;
    this.maxMessages = maxMessages;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** {@code message} is {@code {roomId, senderId, sender, text, clientMsgId?}}; the future gets its ack. */
  public Future<JsonObject> append(JsonObject message) {
    Promise<JsonObject> promise = Promise.promise();
    if (messages.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    messages.add(message);
    waiting.add(promise);
    if (messages.size() >= maxMessages) {
      flush();
    }
    return promise.future();
  }

  private void flush() {
    if (messages.isEmpty()) {
      return;
    }
    List<JsonObject> sent = messages;
    List<Promise<JsonObject>> callers = waiting;
    messages = new ArrayList<>();
    waiting = new ArrayList<>();
    bus.<JsonObject>request(Addresses.STORAGE_MESSAGES_APPEND, new JsonObject().put("messages", new JsonArray(sent)),
        delivery)
      .onSuccess(reply -> {
        JsonArray acks = reply.body().getJsonArray("acks");
        for (int i = 0; i < callers.size(); i++) {
          JsonObject ack = acks.getJsonObject(i);
          JsonObject error = ack.getJsonObject("error");
          if (error == null) {
            callers.get(i).complete(ack);
          } else {
            callers.get(i).fail(ErrorCode.fromCode(error.getString("code"))
              .exception(error.getString("message")));
          }
        }
      })
      .onFailure(e -> callers.forEach(p -> p.fail(e)));
  }
}
