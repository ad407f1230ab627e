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
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The writer's side of {@code catalog.db}: users, rooms and memberships (their SQL is in {@link Schema}), and what
 * the writer keeps of them in memory (each room's state, the last user id, the counts). The shard manifest in the
 * same file is the {@link ShardLog}'s, which writes it through {@link #connection()} so that both commit together.
 * Operations validate before they write, so a {@link ServiceException} leaves no partial change. Writer thread only,
 * except the volatile counts.
 */
final class Catalog implements AutoCloseable {

  static final String FILE = "catalog.db";

  private final Connection connection;
  private final Clock clock;
  private final Map<Long, RoomState> rooms = new HashMap<>();
  private long lastUserId;
  private volatile long userCount;
  private volatile int roomCount;
  private boolean dirty;

  private Catalog(Connection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
  }

  /** Opens (or makes) the catalog and brings its schema up to date. */
  static Catalog open(Path file, Clock clock) throws SQLException {
    Connection c = Sqlite.writer(file);
    try {
      Sqlite.execute(c, Schema.CATALOG);
      NameKeys.migrate(c);
      ShardChecksums.migrate(c);
      c.commit();
      return new Catalog(c, clock);
    } catch (SQLException | RuntimeException e) {
      Sqlite.closeQuietly(c);
      throw e;
    }
  }

  Connection connection() {
    return connection;
  }

  /** Something was written through {@link #connection()}: the next {@link #commit} commits it. */
  void changed() {
    dirty = true;
  }

  /** Rooms, their member counts and the users' last id and count, from what is committed. */
  void load() throws SQLException {
    rooms.clear();
    try (var st = connection.createStatement()) {
      try (ResultSet rs = st.executeQuery(Schema.LOAD_ROOMS)) {
        while (rs.next()) {
          rooms.put(rs.getLong(1), new RoomState(rs.getLong(1), rs.getString(2), rs.getLong(3), 0));
        }
      }
      try (ResultSet rs = st.executeQuery(Schema.LOAD_MEMBER_COUNTS)) {
        while (rs.next()) {
          RoomState room = rooms.get(rs.getLong(1));
          if (room != null) {
            room.members = rs.getLong(2);
          }
        }
      }
      try (ResultSet rs = st.executeQuery(Schema.LOAD_USERS)) {
        lastUserId = rs.getLong(1);
        userCount = rs.getLong(2);
      }
    }
    roomCount = rooms.size();
  }

  /** The largest message id ever sealed (ids never repeat, even after retention deleted its shard). */
  long sealedMaxId() throws SQLException {
    try (var st = connection.createStatement(); ResultSet rs = st.executeQuery(Schema.SEALED_MAX_ID)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** All or nothing: one invalid or taken name fails the whole request and writes nothing. */
  JsonObject createUsers(JsonArray users) throws SQLException {
    Set<String> seen = new HashSet<>();
    List<String> taken = new ArrayList<>();
    List<String> keys = new ArrayList<>(users.size());
    try (PreparedStatement exists = connection.prepareStatement(Schema.USER_NAME_TAKEN)) {
      for (int i = 0; i < users.size(); i++) {
        String username = users.getJsonObject(i).getString("username");
        String key = UserNames.key(username);
        keys.add(key);
        if (!seen.add(key)) {
          taken.add(username);
          continue;
        }
        exists.setString(1, key);
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            taken.add(username);
          }
        }
      }
    }
    if (!taken.isEmpty()) {
      throw new ServiceException(ErrorCode.USERNAME_TAKEN, "username already taken (or one that looks the same): "
        + String.join(", ", taken.subList(0, Math.min(10, taken.size()))) + (taken.size() > 10 ? ", ..." : ""));
    }
    JsonArray created = new JsonArray();
    long now = clock.millis();
    try (PreparedStatement insert = connection.prepareStatement(Schema.INSERT_USER)) {
      for (int i = 0; i < users.size(); i++) {
        JsonObject user = users.getJsonObject(i);
        long id = ++lastUserId;
        insert.setLong(1, id);
        insert.setString(2, user.getString("username"));
        insert.setString(3, user.getString("passwordHash"));
        insert.setLong(4, now);
        insert.setString(5, keys.get(i));
        insert.addBatch();
        created.add(new JsonObject().put("id", id).put("username", user.getString("username")));
      }
      insert.executeBatch();
    }
    dirty = true;
    userCount += users.size();
    return new JsonObject().put("users", created);
  }

  /** Inserts the rooms whose id and name are free; an existing room keeps its name. */
  JsonObject seedRooms(JsonArray seed) throws SQLException {
    int created = 0;
    try (PreparedStatement insert = connection.prepareStatement(Schema.SEED_ROOM)) {
      for (int i = 0; i < seed.size(); i++) {
        JsonObject room = seed.getJsonObject(i);
        long id = room.getLong("id");
        if (rooms.containsKey(id) || roomIdByName(room.getString("name")) != null) {
          continue;
        }
        insert.setLong(1, id);
        insert.setString(2, room.getString("name"));
        insert.setLong(3, clock.millis());
        insert.executeUpdate();
        rooms.put(id, new RoomState(id, room.getString("name"), 0, 0));
        created++;
      }
    }
    roomCount = rooms.size();
    dirty |= created > 0;
    return new JsonObject().put("created", created);
  }

  JsonObject createRoom(String name, long userId) throws SQLException {
    if (roomIdByName(name) != null) {
      throw new ServiceException(ErrorCode.ROOM_EXISTS, "a room named '" + name + "' already exists");
    }
    long id;
    try (PreparedStatement insert = connection.prepareStatement(Schema.INSERT_ROOM)) {
      insert.setString(1, name);
      insert.setLong(2, userId);
      insert.setLong(3, clock.millis());
      insert.executeUpdate();
    }
    try (var st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
      id = rs.getLong(1);
    }
    dirty = true;
    rooms.put(id, new RoomState(id, name, 0, 0));
    roomCount = rooms.size();
    return join(id, userId);
  }

  private Long roomIdByName(String name) {
    for (RoomState room : rooms.values()) {
      if (room.name.equals(name)) {
        return room.id;
      }
    }
    return null;
  }

  JsonObject join(long roomId, long userId) throws SQLException {
    return changeMembership(Schema.JOIN, roomId, userId, +1);
  }

  JsonObject leave(long roomId, long userId) throws SQLException {
    return changeMembership(Schema.LEAVE, roomId, userId, -1);
  }

  private JsonObject changeMembership(String sql, long roomId, long userId, int delta) throws SQLException {
    RoomState room = room(roomId);
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, roomId);
      ps.setLong(2, userId);
      if (delta > 0) {
        ps.setLong(3, clock.millis());
      }
      if (ps.executeUpdate() == 1) {
        room.members += delta;
        dirty = true;
      }
    }
    return room.toJson().put("lastSeq", room.lastSeq);
  }

  RoomState room(long roomId) {
    RoomState room = rooms.get(roomId);
    if (room == null) {
      throw new ServiceException(ErrorCode.ROOM_NOT_FOUND, "no room with id " + roomId);
    }
    return room;
  }

  /** A room the active shard holds messages of: its last seq is at least {@code seq}. */
  void raiseLastSeq(long roomId, long seq) {
    RoomState room = rooms.get(roomId);
    if (room != null) {
      room.lastSeq = Math.max(room.lastSeq, seq);
    }
  }

  long userCount() {
    return userCount;
  }

  int roomCount() {
    return roomCount;
  }

  void commit() throws SQLException {
    if (dirty) {
      connection.commit();
      dirty = false;
    }
  }

  void rollback() throws SQLException {
    dirty = false;
    connection.rollback();
  }

  @Override
  public void close() {
    try {
      connection.commit();
    } catch (SQLException ignored) {
      // nothing was pending
    }
    Sqlite.closeQuietly(connection);
  }
}
