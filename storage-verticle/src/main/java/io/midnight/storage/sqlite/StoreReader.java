package io.midnight.storage.sqlite;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import io.midnight.common.names.UserNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads on read-only connections of their own, never the writer's, so a slow search never stalls a commit.
 * Each calling thread gets its own connection per file (SQLite connections are single-threaded); the caller runs
 * these methods on a small fixed pool of reader threads. Connections to shards that retention deleted are closed
 * the next time their thread reads. Thread-safe.
 */
public final class StoreReader implements AutoCloseable {

  private final WriterState state;
  private final Set<Connection> opened = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Map<Path, Connection>> connections = ThreadLocal.withInitial(HashMap::new);

  StoreReader(WriterState state) {
    this.state = state;
  }

  private Connection connection(Path file) throws SQLException {
    Map<Path, Connection> mine = connections.get();
    Connection c = mine.get(file);
    if (c == null) {
      c = Sqlite.reader(file);
      mine.put(file, c);
      opened.add(c);
    }
    return c;
  }

  private void forgetDeletedShards() {
    Map<Path, Connection> mine = connections.get();
    if (mine.size() <= state.manifest().size() + 1) {
      return;
    }
    Set<Path> live = new java.util.HashSet<>();
    live.add(state.catalogFile());
    state.manifest().newestFirst().forEach(s -> live.add(s.file()));
    mine.entrySet().removeIf(e -> {
      if (!live.contains(e.getKey())) {
        opened.remove(e.getValue());
        Sqlite.closeQuietly(e.getValue());
        return true;
      }
      return false;
    });
  }

  public JsonObject findUser(String username) throws SQLException {
    try (PreparedStatement ps = connection(state.catalogFile()).prepareStatement(
      "SELECT id, username, password_hash FROM users WHERE name_key = ?")) {
      ps.setString(1, UserNames.key(username));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new ServiceException(ErrorCode.USER_NOT_FOUND, "no user named '" + username + "'");
        }
        return new JsonObject().put("id", rs.getLong(1)).put("username", rs.getString(2))
          .put("passwordHash", rs.getString(3));
      }
    }
  }

  public JsonArray listRooms() throws SQLException {
    JsonArray rooms = new JsonArray();
    try (PreparedStatement ps = connection(state.catalogFile()).prepareStatement(
      "SELECT r.id, r.name, (SELECT count(*) FROM memberships m WHERE m.room_id = r.id) FROM rooms r ORDER BY r.id");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rooms.add(new JsonObject().put("id", rs.getLong(1)).put("name", rs.getString(2)).put("members", rs.getLong(3)));
      }
    }
    return rooms;
  }

  /** Whether the user is a member; {@link ErrorCode#ROOM_NOT_FOUND} when the room does not exist. */
  public boolean isMember(long roomId, long userId) throws SQLException {
    try (PreparedStatement ps = connection(state.catalogFile()).prepareStatement(
      "SELECT (SELECT count(*) FROM rooms WHERE id = ?), "
        + "(SELECT count(*) FROM memberships WHERE room_id = ? AND user_id = ?)")) {
      ps.setLong(1, roomId);
      ps.setLong(2, roomId);
      ps.setLong(3, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.getLong(1) == 0) {
          throw new ServiceException(ErrorCode.ROOM_NOT_FOUND, "no room with id " + roomId);
        }
        return rs.getLong(2) > 0;
      }
    }
  }

  public void requireRoom(long roomId) throws SQLException {
    isMember(roomId, -1);
  }

  /** A room's messages with seq below {@code beforeSeq}, newest first, reading shards newest first until full. */
  public List<JsonObject> history(long roomId, long beforeSeq, int limit) throws SQLException {
    forgetDeletedShards();
    List<JsonObject> out = new ArrayList<>(limit);
    for (ShardInfo shard : readable(state.manifest().newestFirst())) {
      try (PreparedStatement ps = connection(shard.file()).prepareStatement("SELECT " + Schema.MESSAGE_COLUMNS
        + " FROM messages m WHERE m.room_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?")) {
        ps.setLong(1, roomId);
        ps.setLong(2, beforeSeq);
        ps.setInt(3, limit - out.size());
        readMessages(ps, out);
      } catch (SQLException e) {
        setAsideIfDamaged(shard, e);
        continue;
      }
      if (out.size() >= limit) {
        break;
      }
      if (!out.isEmpty()) {
        beforeSeq = out.get(out.size() - 1).getLong("seq");
      }
    }
    return out;
  }

  /** A room's messages after {@code afterSeq} and {@code afterId}, oldest first: what a reconnecting client missed. */
  public List<JsonObject> since(long roomId, long afterSeq, long afterId, int limit) throws SQLException {
    forgetDeletedShards();
    List<JsonObject> out = new ArrayList<>(limit);
    for (ShardInfo shard : readable(state.manifest().oldestFirst())) {
      if (shard.sealed() && shard.maxId() <= afterId) {
        continue;
      }
      try (PreparedStatement ps = connection(shard.file()).prepareStatement("SELECT " + Schema.MESSAGE_COLUMNS
        + " FROM messages m WHERE m.room_id = ? AND m.seq > ? AND m.id > ? ORDER BY m.seq LIMIT ?")) {
        ps.setLong(1, roomId);
        ps.setLong(2, afterSeq);
        ps.setLong(3, afterId);
        ps.setInt(4, limit - out.size());
        readMessages(ps, out);
      } catch (SQLException e) {
        setAsideIfDamaged(shard, e);
        continue;
      }
      if (out.size() >= limit) {
        break;
      }
    }
    return out;
  }

  /** Full-text matches in one shard with id below {@code beforeId}, newest first. */
  public List<JsonObject> search(ShardInfo shard, String ftsQuery, Long roomId, long beforeId, int limit)
    throws SQLException {
    String sql = "SELECT " + Schema.MESSAGE_COLUMNS + " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
      + " WHERE messages_fts MATCH ? AND messages_fts.rowid < ?" + (roomId == null ? "" : " AND m.room_id = ?")
      + " ORDER BY messages_fts.rowid DESC LIMIT ?";
    List<JsonObject> out = new ArrayList<>();
    try (PreparedStatement ps = connection(shard.file()).prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, ftsQuery);
      ps.setLong(i++, beforeId);
      if (roomId != null) {
        ps.setLong(i++, roomId);
      }
      ps.setInt(i, limit);
      readMessages(ps, out);
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("fts5")) {
        throw new ServiceException(ErrorCode.INVALID_QUERY, "cannot search for that: " + e.getMessage());
      }
      setAsideIfDamaged(shard, e);
      return List.of();
    }
    return out;
  }

  /** The shards reads may use: all but those set aside as damaged. */
  List<ShardInfo> readable(List<ShardInfo> shards) {
    DamagedShards damaged = state.damaged();
    return damaged.isEmpty() ? shards : shards.stream().filter(s -> !damaged.contains(s)).toList();
  }

  /**
   * A read that failed inside a sealed shard's file (SQLite says corrupt, or not a database) sets that shard
   * aside, and the read goes on without it; any other failure, or one in the active shard, is the caller's.
   */
  private void setAsideIfDamaged(ShardInfo shard, SQLException e) throws SQLException {
    String why = String.valueOf(e.getMessage());
    boolean damage = why.contains("SQLITE_CORRUPT") || why.contains("malformed") || why.contains("SQLITE_NOTADB")
      || why.contains("not a database");
    if (!damage || !shard.sealed()) {
      throw e;
    }
    state.damaged().mark(shard, "a read failed inside it: " + why);
  }

  private static void readMessages(PreparedStatement ps, List<JsonObject> out) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new JsonObject()
          .put("id", rs.getLong(1))
          .put("room", rs.getLong(2))
          .put("seq", rs.getLong(3))
          .put("fromId", rs.getLong(4))
          .put("from", rs.getString(5))
          .put("text", rs.getString(6))
          .put("ts", rs.getLong(7)));
      }
    }
  }

  public long roomCount() throws SQLException {
    try (PreparedStatement ps = connection(state.catalogFile()).prepareStatement("SELECT count(*) FROM rooms");
         ResultSet rs = ps.executeQuery()) {
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    opened.forEach(Sqlite::closeQuietly);
    opened.clear();
  }
}
