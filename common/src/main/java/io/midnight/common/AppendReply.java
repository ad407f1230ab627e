package io.midnight.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The reply to an {@link AppendRequest}: one {@link Result} per message, in the request's order, sent only once
 * every ack in it is durable. Immutable; travels by reference inside one JVM, as JSON between JVMs.
 */
public record AppendReply(List<Result> results) {

  /** An ack ({@code error == null}) or the reason this one message was not appended. */
  public record Result(long id, long room, long seq, long ts, boolean duplicate, ErrorCode error, String message) {

    public static Result ack(long id, long room, long seq, long ts, boolean duplicate) {
      return new Result(id, room, seq, ts, duplicate, null, null);
    }

    public static Result failure(ErrorCode error, String message) {
      return new Result(0, 0, 0, 0, false, error, message);
    }

    /** The public ack {@code {id, seq, ts, room, duplicate}}. */
    public JsonObject ackJson() {
      return new JsonObject().put("id", id).put("seq", seq).put("ts", ts).put("room", room).put("duplicate", duplicate);
    }

    JsonObject toJson() {
      return error == null ? ackJson() : error.toJson(message);
    }

    static Result fromJson(JsonObject json) {
      JsonObject error = json.getJsonObject("error");
      return error == null
        ? ack(json.getLong("id"), json.getLong("room"), json.getLong("seq"), json.getLong("ts"),
        json.getBoolean("duplicate"))
        : failure(ErrorCode.fromCode(error.getString("code")), error.getString("message"));
    }
  }

  public AppendReply {
    results = List.copyOf(results);
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray(new ArrayList<>(results.size()));
    results.forEach(r -> array.add(r.toJson()));
    return new JsonObject().put("results", array);
  }

  public static AppendReply fromJson(JsonObject json) {
    JsonArray array = json.getJsonArray("results");
    List<Result> results = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      results.add(Result.fromJson(array.getJsonObject(i)));
    }
    return new AppendReply(results);
  }
}
