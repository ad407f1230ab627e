package io.midnight.messages;

import io.midnight.common.Addresses;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

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
  private List<AppendRequest.Item> messages = new ArrayList<>();
  private List<Promise<AppendReply.Result>> waiting = new ArrayList<>();

  public AppendBatcher(Context context, EventBus bus, int maxMessages, long timeoutMs) {
    this.context = context;
    this.bus = bus;
    this.maxMessages = maxMessages;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** The future gets the message's ack, or fails with the reason it was not appended. */
  public Future<AppendReply.Result> append(AppendRequest.Item message) {
    Promise<AppendReply.Result> promise = Promise.promise();
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
    List<AppendRequest.Item> sent = messages;
    List<Promise<AppendReply.Result>> callers = waiting;
    messages = new ArrayList<>();
    waiting = new ArrayList<>();
    bus.<AppendReply>request(Addresses.STORAGE_MESSAGES_APPEND, new AppendRequest(sent), delivery)
      .onSuccess(reply -> {
        List<AppendReply.Result> results = reply.body().results();
        if (results.size() != callers.size()) { // storage broke its contract: nobody may be left waiting
          String why = "storage answered " + results.size() + " result(s) for " + callers.size()
            + " message(s): send again with the same clientMsgId";
          callers.forEach(p -> p.fail(ErrorCode.UNKNOWN_OUTCOME.exception(why)));
          return;
        }
        for (int i = 0; i < callers.size(); i++) {
          AppendReply.Result result = results.get(i);
          if (result.error() == null) {
            callers.get(i).complete(result);
          } else {
            callers.get(i).fail(result.error().exception(result.message()));
          }
        }
      })
      .onFailure(e -> callers.forEach(p -> p.fail(e)));
  }
}
