package io.midnight.storage;

import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The storage contract both backends keep (SQLite files, PostgreSQL): a write's future completes only once it is
 * durable; appends assign each room's next seq without gap and a global id, and a known
 * {@code (senderId, clientMsgId)} gets its first ack back marked duplicate. Futures complete on the caller's
 * Vert.x context. The bus shapes are those of {@link io.midnight.common.Addresses}'s {@code storage.*} entries.
 */
public interface Store {

  /** All or nothing: one taken name fails the whole request with {@code username_taken}. */
  Future<JsonObject> createUsers(JsonArray users);

  /** Inserts the rooms whose id and name are free: {@code {created}}. */
  Future<JsonObject> seedRooms(JsonArray rooms);

  /** The creator joins the new room. */
  Future<JsonObject> createRoom(String name, long userId);

  Future<JsonObject> join(long roomId, long userId);

  Future<JsonObject> leave(long roomId, long userId);

  /** One result per message, in order, once all are durable. */
  Future<AppendReply> append(AppendRequest request);

  Future<JsonObject> findUser(String username);

  Future<JsonObject> listRooms();

  Future<JsonObject> isMember(long roomId, long userId);

  /** Newest first; {@code next} is the seq to pass as {@code beforeSeq} for the older page, or null at the start. */
  Future<JsonObject> history(long roomId, long beforeSeq, int limit);

  /** Oldest first; {@code more} tells that the limit cut the answer short. */
  Future<JsonObject> since(long roomId, long afterSeq, long afterId, int limit);

  /**
   * Full-text search, newest first; {@code next} is the id to pass as {@code beforeId}. Text with nothing to search
   * for throws {@code invalid_query} at once.
   */
  Future<JsonObject> search(String typed, Long roomId, long beforeId, int limit);

  /** {@code {backend, writable, refusal, users, rooms, messages, lastMessageId, shards: {...}, commits: {...}}}. */
  Future<JsonObject> stats();

  /** Commits what is queued, then lets go of files and connections. */
  Future<Void> close();

  /** Messages after a point, oldest first, cut at {@code limit}: {@code more} tells that there are others. */
  static JsonObject catchUp(List<JsonObject> messages, int limit) {
    boolean more = messages.size() > limit;
    return new JsonObject().put("messages", new JsonArray(more ? messages.subList(0, limit) : messages))
      .put("more", more);
  }

  /** A page of messages cut at {@code limit}: {@code next} is the cursor field of the last one shown, or null. */
  static JsonObject page(List<JsonObject> messages, int limit, String cursor) {
    boolean more = messages.size() > limit;
    List<JsonObject> shown = more ? messages.subList(0, limit) : messages;
    return new JsonObject()
      .put("messages", new JsonArray(new ArrayList<>(shown)))
      .put("next", more ? shown.get(shown.size() - 1).getLong(cursor) : null);
  }
}
