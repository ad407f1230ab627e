package io.midnight.storage.sqlite;

import io.midnight.common.ErrorCode;
import io.midnight.common.Fields;
import io.midnight.common.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends several messages as one writer operation, answering one {@link Ack} or {@link ServiceException} per
 * message, in order. Requests are parsed on the event loop ({@link #parse}) and answers turned into JSON there
 * ({@link #toJson}), so the writer thread does only what must be serialized. It remembers how far it got: when the
 * active shard fills up halfway, the writer commits, rolls, and re-applies it from the first message not appended.
 */
final class AppendBatch implements GroupCommitWriter.Operation<List<Object>> {

  /** One parsed message, or the reason it cannot be appended. */
  private record Item(long roomId, long senderId, String sender, String text, String clientMsgId,
                      ServiceException invalid) {
  }

  private final List<Item> items;
  private final List<Object> results;
  private int next;

  private AppendBatch(List<Item> items) {
    this.items = items;
    this.results = new ArrayList<>(items.size());
  }

  static AppendBatch parse(JsonArray messages) {
    List<Item> items = new ArrayList<>(messages.size());
    for (Object value : messages) {
      try {
        if (!(value instanceof JsonObject m)) {
          throw new ServiceException(ErrorCode.INVALID_REQUEST, "each message must be an object");
        }
        items.add(new Item(Fields.requireLong(m, "roomId"), Fields.requireLong(m, "senderId"),
          Fields.requireString(m, "sender"), Fields.requireString(m, "text"), Fields.optionalString(m, "clientMsgId"),
          null));
      } catch (ServiceException e) {
        items.add(new Item(0, 0, null, null, null, e));
      }
    }
    return new AppendBatch(items);
  }

  int size() {
    return items.size();
  }

  @Override
  public List<Object> apply(WriterState state) throws SQLException {
    for (; next < items.size(); next++) {
      Item item = items.get(next);
      if (item.invalid() != null) {
        results.add(item.invalid());
        continue;
      }
      try {
        results.add(state.append(item.roomId(), item.senderId(), item.sender(), item.text(), item.clientMsgId()));
      } catch (ServiceException e) {
        results.add(e);
      }
    }
    return results;
  }

  /** Acks as {@code {id, seq, ts, room, duplicate}}, failures as {@code {error: {code, message}}}. */
  static JsonArray toJson(List<Object> results) {
    JsonArray out = new JsonArray(new ArrayList<>(results.size()));
    for (Object result : results) {
      if (result instanceof Ack ack) {
        out.add(ack.toJson());
      } else {
        ServiceException e = (ServiceException) result;
        out.add(e.code().toJson(e.getMessage()));
      }
    }
    return out;
  }
}
