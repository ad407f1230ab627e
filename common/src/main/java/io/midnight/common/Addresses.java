package io.midnight.common;

/**
 * Every event-bus address Midnight uses. Requests carry a JSON object and are answered with a JSON object, or
 * fail with a {@link io.vertx.core.eventbus.ReplyException} whose failure code is an {@link ErrorCode}.
 *
 * <p>Who may call what (docs/ARCHITECTURE.md, "Reads and writes"): the gateway calls the services' addresses
 * ({@code users.*}, {@code rooms.*}, {@code messages.*}) and {@code loadtest.*}; only the services call
 * {@code storage.*}, reads included. The one exception is {@code storage.stats}, the store's own status (health,
 * dashboard, the store's identity in tokens), which any module may read.
 */
public final class Addresses {

  private Addresses() {
  }

  /** {@code {username, password?}} -> {@code {id, username, token}}. */
  public static final String USERS_CREATE = "users.create";
  /** {@code {users: [{username, password?}]}} (at most 1,000) -> {@code {users: [{id, username, token}]}}. */
  public static final String USERS_CREATE_BATCH = "users.create-batch";
  /** {@code {username, password}} -> {@code {id, username, token}}. */
  public static final String USERS_LOGIN = "users.login";

  /** {@code {}} -> {@code {rooms: [{id, name, members}]}}. */
  public static final String ROOMS_LIST = "rooms.list";
  /** {@code {name, userId}} -> {@code {id, name, members}}; the creator joins the new room. */
  public static final String ROOMS_CREATE = "rooms.create";
  /** {@code {roomId, userId}} -> {@code {id, name, members}}. */
  public static final String ROOMS_JOIN = "rooms.join";
  /** {@code {roomId, userId}} -> {@code {id, name, members}}. */
  public static final String ROOMS_LEAVE = "rooms.leave";
  /** Published {@code {roomId, userId, member}} after a join or leave committed. */
  public static final String MEMBERSHIP_CHANGED = "rooms.membership-changed";

  /** {@code {roomId, userId, username, text, clientMsgId?}} -> ack {@code {id, seq, ts, room, duplicate}}. */
  public static final String MESSAGES_SEND = "messages.send";
  /** {@code {roomId, beforeSeq?, limit?}} -> {@code {messages: [...], next}}, newest first. */
  public static final String MESSAGES_HISTORY = "messages.history";
  /**
   * {@code {roomId, afterSeq?, afterId?, limit?}} -> {@code {messages: [...], more}}, oldest first: what a
   * reconnecting client or a session whose queue overflowed missed.
   */
  public static final String MESSAGES_SINCE = "messages.since";
  /** {@code {q, roomId?, beforeId?, limit?}} -> {@code {messages: [...], next}}, newest first. */
  public static final String MESSAGES_SEARCH = "messages.search";

  /** {@code {users: [{username, passwordHash?}]}} -> {@code {users: [{id, username}]}}, one commit. */
  public static final String STORAGE_USERS_CREATE = "storage.users.create";
  /** {@code {username}} -> {@code {id, username, passwordHash?}}. */
  public static final String STORAGE_USERS_FIND = "storage.users.find";
  /** {@code {rooms: [{id, name}]}} -> {@code {created}}: inserts the rooms whose id is not taken yet. */
  public static final String STORAGE_ROOMS_SEED = "storage.rooms.seed";
  /** {@code {name, userId}} -> room. */
  public static final String STORAGE_ROOMS_CREATE = "storage.rooms.create";
  /** {@code {}} -> {@code {rooms: [...]}}. */
  public static final String STORAGE_ROOMS_LIST = "storage.rooms.list";
  /** {@code {roomId, userId}} -> room. */
  public static final String STORAGE_ROOMS_JOIN = "storage.rooms.join";
  /** {@code {roomId, userId}} -> room. */
  public static final String STORAGE_ROOMS_LEAVE = "storage.rooms.leave";
  /** {@code {roomId, userId}} -> {@code {member}}; fails {@link ErrorCode#ROOM_NOT_FOUND} for an unknown room. */
  public static final String STORAGE_ROOMS_MEMBER = "storage.rooms.member";
  /** {@link AppendRequest} -> {@link AppendReply} once every ack in it is durable (one result per message). */
  public static final String STORAGE_MESSAGES_APPEND = "storage.messages.append";
  /** {@code {roomId, beforeSeq?, limit}} -> {@code {messages, next}}. */
  public static final String STORAGE_MESSAGES_HISTORY = "storage.messages.history";
  /** {@code {roomId, afterSeq?, afterId?, limit}} -> {@code {messages, more}}. */
  public static final String STORAGE_MESSAGES_SINCE = "storage.messages.since";
  /** {@code {q, roomId?, beforeId?, limit}} -> {@code {messages, next}}. */
  public static final String STORAGE_MESSAGES_SEARCH = "storage.messages.search";
  /** {@code {}} -> storage statistics (users, rooms, messages, shards, commits). */
  public static final String STORAGE_STATS = "storage.stats";

  /** {@code {}} -> {@code {presets: [preset]}}: the built-in presets with the saved edits, then the added ones. */
  public static final String LOADTEST_PRESETS_LIST = "loadtest.presets.list";
  /** {@code {name, preset: {kind?, users?, rooms?, durationSeconds?, ratePerUser?}}} -> the saved preset. */
  public static final String LOADTEST_PRESETS_PUT = "loadtest.presets.put";
  /** {@code {preset, users?, rooms?, durationSeconds?, ratePerUser?, countdown?, target?}} -> run, started. */
  public static final String LOADTEST_RUNS_START = "loadtest.runs.start";
  /** {@code {}} -> {@code {runs: [run]}}, newest first. */
  public static final String LOADTEST_RUNS_LIST = "loadtest.runs.list";
  /** {@code {id}} -> run: state, live progress, and the report once it is over. */
  public static final String LOADTEST_RUNS_GET = "loadtest.runs.get";
  /** {@code {id}} -> run: stops sending, drains, verifies what was sent. */
  public static final String LOADTEST_RUNS_STOP = "loadtest.runs.stop";

  /** Deliveries of one room: {@code {id, room, seq, from, fromId, text, ts}}, published in seq order. */
  public static String room(long roomId) {
    return "room." + roomId;
  }
}
