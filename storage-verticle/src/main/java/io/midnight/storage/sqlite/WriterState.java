package io.midnight.storage.sqlite;

import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import io.midnight.common.auth.StoreIdentity;
import io.midnight.common.names.UserNames;
import io.midnight.storage.StorageOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Everything the single writer owns: the writer connections to {@code catalog.db} and to the active shard, and
 * the in-memory state derived from them (each room's last seq and member count, the last ids, the idempotency
 * index). Not thread-safe: only the {@link GroupCommitWriter} thread calls it (and {@link #open} before that thread
 * starts). Operations validate before they write, so a {@link ServiceException} leaves no partial change; any
 * {@link SQLException} makes the writer roll back the whole batch and {@link #rederive()} from disk.
 */
final class WriterState implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriterState.class);
  static final String CATALOG_FILE = "catalog.db";
  static final String MESSAGES_DIR = "messages";

  private final StorageOptions options;
  private final Clock clock;
  private final Path messagesDir;
  private final Connection catalog;
  private Connection shard;
  private PreparedStatement insertMessage;
  private PreparedStatement insertFts;
  private boolean catalogDirty;
  private boolean shardDirty;

  private final Map<Long, RoomState> rooms = new HashMap<>();
  private final IdempotencyIndex idempotency;
  private volatile long lastMessageId;
  private long lastUserId;
  private volatile long activeCount;
  private volatile long userCount;
  private volatile int roomCount;
  private volatile ShardManifest manifest;
  private String storeId;
  private StoreIdentity identity;
  private final DamagedShards damaged = new DamagedShards();
  private final Queue<Map.Entry<Integer, String>> sealedChecksums = new ConcurrentLinkedQueue<>();
  private final ExecutorService checksums = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "midnight-shard-checksum");
    t.setDaemon(true);
    return t;
  });

  private WriterState(StorageOptions options, Clock clock, Connection catalog) {
    this.options = options;
    this.clock = clock;
    this.messagesDir = options.dataDir().resolve(MESSAGES_DIR);
    this.catalog = catalog;
    this.idempotency = new IdempotencyIndex(Math.min(options.maxMessagesPerShard(), 1 << 20));
  }

  /** Opens the data directory, verifies every shard the manifest lists, and derives the writer's state. */
  static WriterState open(StorageOptions options, Clock clock) {
    Path dataDir = options.dataDir();
    Path catalogFile = dataDir.resolve(CATALOG_FILE);
    Connection catalog;
    try {
      Files.createDirectories(dataDir.resolve(MESSAGES_DIR));
      Sqlite.ownerOnlyDirectory(dataDir); // README, "Data layout": the data is its owner's only
      Sqlite.ownerOnlyDirectory(dataDir.resolve(MESSAGES_DIR));
      StoreCheck.catalogPresent(dataDir, dataDir.resolve(MESSAGES_DIR));
      catalog = Sqlite.writer(catalogFile);
      Sqlite.execute(catalog, Schema.CATALOG);
      NameKeys.migrate(catalog);
      ShardChecksums.migrate(catalog);
      catalog.commit();
    } catch (IOException | SQLException e) {
      throw new StorageStartupException("cannot open catalog " + catalogFile + ": " + e.getMessage(), e);
    }
    WriterState state = new WriterState(options, clock, catalog);
    try {
      state.recover();
      return state;
    } catch (RuntimeException e) {
      state.close();
      throw e;
    }
  }

  /**
   * Rebuilds the manifest from the catalog, checks it against the files and each shard against the store
   * ({@link StoreCheck}), verifies the sealed shards' checksums unless that runs in the background, opens the active
   * shard for writing. A damaged sealed shard refuses the start, or with {@code quarantineDamaged} is set aside.
   */
  private void recover() {
    List<ShardInfo> shards;
    try {
      shards = readManifest();
      StoreCheck.manifestMatchesFiles(shards, messagesDir);
      identity = StoreCheck.identity(catalog, clock.millis());
      storeId = identity.id();
      if (shards.isEmpty()) {
        Path first = messagesDir.resolve(ShardInfo.fileName(1));
        createShardFile(first, 1);
        insertActiveShard(1, first);
        catalog.commit();
        shards = readManifest();
      }
    } catch (SQLException e) {
      throw new StorageStartupException("cannot read the shard manifest in " + options.dataDir().resolve(CATALOG_FILE)
        + ": " + e.getMessage(), e);
    }
    ShardInfo active = shards.get(shards.size() - 1);
    if (active.sealed()) {
      throw new StorageStartupException("the shard manifest has no active shard (last is " + active.file() + ")");
    }
    if (!Files.isRegularFile(active.file())) {
      throw new StorageStartupException("missing active shard file " + active.file()
        + ": the manifest lists it; restore it from a backup or the data directory is not the one written before");
    }
    manifest = new ShardManifest(shards);
    Map<ShardInfo, String> damage = new LinkedHashMap<>();
    try {
      StoreCheck.belongs(active, storeId);
      List<ShardInfo> whole = new ArrayList<>();
      for (ShardInfo info : manifest.sealed()) {
        String problem = checkSealed(info);
        if (problem != null) {
          damage.put(info, problem);
        } else {
          whole.add(info);
        }
      }
      if (!options.verifyInBackground()) {
        damage.putAll(ShardChecksums.verify(whole, ShardChecksums.recorded(catalog), catalog));
      }
    } catch (SQLException e) {
      throw new StorageStartupException("cannot check the shards of " + options.dataDir() + ": " + e.getMessage(), e);
    }
    if (!damage.isEmpty()) {
      StringBuilder why = new StringBuilder();
      damage.forEach((shard, reason) -> why.append("\n  ").append(shard.file()).append(" (").append(shard.count())
        .append(" messages, ids ").append(shard.minId()).append("..").append(shard.maxId()).append("): ").append(reason));
      if (!options.quarantineDamaged()) {
        throw new StorageStartupException(damage.size() + " damaged shard(s):" + why + "\nrestore them from a backup "
          + "(midnight restore), or start with --quarantine-damaged to serve without them");
      }
      damage.forEach(damaged::mark);
    }
    try {
      openActive(active.file());
    } catch (SQLException e) {
      throw new StorageStartupException("unreadable active shard " + active.file() + ": " + e.getMessage(), e);
    }
    try {
      rederive();
    } catch (SQLException e) {
      throw new StorageStartupException("cannot recover state from " + active.file() + ": " + e.getMessage(), e);
    }
    LOG.info("storage opened: store {}, {} shard(s), active {} with {} message(s), last id {}, {} room(s), {} user(s)",
      storeId, shards.size(), active.file().getFileName(), activeCount, lastMessageId, rooms.size(), userCount);
  }

  /** A sealed shard's file is there, of this store, and holds what the manifest says; else why not. */
  private String checkSealed(ShardInfo info) throws SQLException {
    if (!Files.isRegularFile(info.file())) {
      return "missing: the manifest lists it as sealed shard " + info.number() + " with " + info.count()
        + " message(s)";
    }
    try (Connection reader = Sqlite.reader(info.file());
         var st = reader.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM messages")) {
      long count = rs.getLong(1);
      long maxId = rs.getLong(2);
      if (count != info.count() || maxId != info.maxId()) {
        return "the manifest records " + info.count() + " message(s) up to id " + info.maxId() + ", the file holds "
          + count + " up to id " + maxId;
      }
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
    StoreCheck.belongs(info, storeId);
    return null;
  }

  private List<ShardInfo> readManifest() throws SQLException {
    return ShardManifest.read(catalog, messagesDir);
  }

  private void createShardFile(Path file, int number) throws SQLException {
    try (Connection c = Sqlite.writer(file)) {
      Sqlite.execute(c, Schema.SHARD);
      Sqlite.execute(c, Schema.FTS_TUNING);
      c.commit();
      StoreCheck.stamp(c, storeId, number);
    }
  }

  private void insertActiveShard(int number, Path file) throws SQLException {
    try (PreparedStatement ps = catalog.prepareStatement(
      "INSERT INTO shards(shard, file, state, message_count, created_at) VALUES(?, ?, 'active', 0, ?)")) {
      ps.setInt(1, number);
      ps.setString(2, file.getFileName().toString());
      ps.setLong(3, clock.millis());
      ps.executeUpdate();
    }
  }

  private void openActive(Path file) throws SQLException {
    Connection c = Sqlite.writer(file);
    Sqlite.execute(c, Schema.SHARD);
    c.commit();
    c.setAutoCommit(true);
    // checkpoint the WAL into the shard every ~40 MB instead of every 4 MB: fewer, larger copies (+7% appends/s)
    Sqlite.execute(c, "PRAGMA wal_autocheckpoint=10000");
    c.setAutoCommit(false);
    shard = c;
    insertMessage = c.prepareStatement(Schema.INSERT_MESSAGE);
    insertFts = c.prepareStatement(Schema.INSERT_FTS);
  }

  /** Derives the in-memory state from what is committed on disk (at start, and after a failed batch). */
  void rederive() throws SQLException {
    rooms.clear();
    idempotency.clear();
    try (var st = catalog.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT id, name, sealed_seq FROM rooms")) {
        while (rs.next()) {
          rooms.put(rs.getLong(1), new RoomState(rs.getLong(1), rs.getString(2), rs.getLong(3), 0));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT room_id, count(*) FROM memberships GROUP BY room_id")) {
        while (rs.next()) {
          RoomState room = rooms.get(rs.getLong(1));
          if (room != null) {
            room.members = rs.getLong(2);
          }
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0), count(*) FROM users")) {
        lastUserId = rs.getLong(1);
        userCount = rs.getLong(2);
      }
      try (ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = '" + Schema.META_SEALED_MAX_ID + "'")) {
        lastMessageId = rs.next() ? rs.getLong(1) : 0;
      }
    }
    try (var st = shard.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM messages")) {
        activeCount = rs.getLong(1);
        lastMessageId = Math.max(lastMessageId, rs.getLong(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT room_id, max(seq) FROM messages GROUP BY room_id")) {
        while (rs.next()) {
          RoomState room = rooms.get(rs.getLong(1));
          if (room != null) {
            room.lastSeq = Math.max(room.lastSeq, rs.getLong(2));
          }
        }
      }
    }
    roomCount = rooms.size();
    loadKeys(shard, true);
    ShardInfo previous = manifest.previous();
    if (previous != null) {
      try (Connection reader = Sqlite.reader(previous.file())) {
        loadKeys(reader, false);
      }
    }
    // reads only: end the read transactions (a commit would fail when a failed write left none open)
    catalog.rollback();
    shard.rollback();
  }

  private void loadKeys(Connection connection, boolean current) throws SQLException {
    try (var st = connection.createStatement();
         ResultSet rs = st.executeQuery(
           "SELECT sender_id, client_msg_id, id, room_id, seq, ts FROM messages WHERE client_msg_id IS NOT NULL")) {
      while (rs.next()) {
        Ack ack = new Ack(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), false);
        if (current) {
          idempotency.put(rs.getLong(1), rs.getString(2), ack);
        } else {
          idempotency.putPrevious(rs.getLong(1), rs.getString(2), ack);
        }
      }
    }
  }

  // ---- operations (writer thread) ----

  /** All or nothing: one invalid or taken name fails the whole request and writes nothing. */
  JsonObject createUsers(JsonArray users) throws SQLException {
    Set<String> seen = new HashSet<>();
    List<String> taken = new ArrayList<>();
    try (PreparedStatement exists = catalog.prepareStatement("SELECT 1 FROM users WHERE name_key = ?")) {
      for (int i = 0; i < users.size(); i++) {
        String username = users.getJsonObject(i).getString("username");
        String key = UserNames.key(username);
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
    try (PreparedStatement insert = catalog.prepareStatement(
      "INSERT INTO users(id, username, password_hash, created_at, name_key) VALUES(?, ?, ?, ?, ?)")) {
      for (int i = 0; i < users.size(); i++) {
        JsonObject user = users.getJsonObject(i);
        long id = ++lastUserId;
        insert.setLong(1, id);
        insert.setString(2, user.getString("username"));
        insert.setString(3, user.getString("passwordHash"));
        insert.setLong(4, now);
        insert.setString(5, UserNames.key(user.getString("username")));
        insert.addBatch();
        created.add(new JsonObject().put("id", id).put("username", user.getString("username")));
      }
      insert.executeBatch();
    }
    catalogDirty = true;
    userCount += users.size();
    return new JsonObject().put("users", created);
  }

  /** Inserts the rooms whose id is free; an existing room keeps its name. */
  JsonObject seedRooms(JsonArray seed) throws SQLException {
    int created = 0;
    try (PreparedStatement insert = catalog.prepareStatement(
      "INSERT OR IGNORE INTO rooms(id, name, created_at) VALUES(?, ?, ?)")) {
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
        roomCount = rooms.size();
        created++;
      }
    }
    catalogDirty |= created > 0;
    return new JsonObject().put("created", created);
  }

  JsonObject createRoom(String name, long userId) throws SQLException {
    if (roomIdByName(name) != null) {
      throw new ServiceException(ErrorCode.ROOM_EXISTS, "a room named '" + name + "' already exists");
    }
    long id;
    try (PreparedStatement insert = catalog.prepareStatement(
      "INSERT INTO rooms(name, created_by, created_at) VALUES(?, ?, ?)")) {
      insert.setString(1, name);
      insert.setLong(2, userId);
      insert.setLong(3, clock.millis());
      insert.executeUpdate();
    }
    try (var st = catalog.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
      id = rs.getLong(1);
    }
    catalogDirty = true;
    RoomState room = new RoomState(id, name, 0, 0);
    rooms.put(id, room);
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
    RoomState room = room(roomId);
    try (PreparedStatement insert = catalog.prepareStatement(
      "INSERT OR IGNORE INTO memberships(room_id, user_id, joined_at) VALUES(?, ?, ?)")) {
      insert.setLong(1, roomId);
      insert.setLong(2, userId);
      insert.setLong(3, clock.millis());
      if (insert.executeUpdate() == 1) {
        room.members++;
        catalogDirty = true;
      }
    }
    return room.toJson().put("lastSeq", room.lastSeq);
  }

  JsonObject leave(long roomId, long userId) throws SQLException {
    RoomState room = room(roomId);
    try (PreparedStatement delete = catalog.prepareStatement(
      "DELETE FROM memberships WHERE room_id = ? AND user_id = ?")) {
      delete.setLong(1, roomId);
      delete.setLong(2, userId);
      if (delete.executeUpdate() == 1) {
        room.members--;
        catalogDirty = true;
      }
    }
    return room.toJson().put("lastSeq", room.lastSeq);
  }

  private RoomState room(long roomId) {
    RoomState room = rooms.get(roomId);
    if (room == null) {
      throw new ServiceException(ErrorCode.ROOM_NOT_FOUND, "no room with id " + roomId);
    }
    return room;
  }

  /** Assigns the room's next seq and the next global id; a known {@code clientMsgId} returns its first ack. */
  Ack append(long roomId, long senderId, String sender, String text, String clientMsgId) throws SQLException {
    if (clientMsgId != null) {
      Ack prior = idempotency.find(senderId, clientMsgId);
      if (prior != null) {
        return prior.asDuplicate();
      }
    }
    RoomState room = room(roomId);
    if (activeCount >= options.maxMessagesPerShard()) {
      throw new ShardFullException();
    }
    Ack ack = new Ack(lastMessageId + 1, roomId, room.lastSeq + 1, clock.millis(), false);
    insertMessage.setLong(1, ack.id());
    insertMessage.setLong(2, roomId);
    insertMessage.setLong(3, ack.seq());
    insertMessage.setLong(4, senderId);
    insertMessage.setString(5, sender);
    insertMessage.setString(6, text);
    insertMessage.setString(7, clientMsgId);
    insertMessage.setLong(8, ack.ts());
    insertMessage.addBatch();
    insertFts.setLong(1, ack.id());
    insertFts.setString(2, text);
    insertFts.addBatch();
    shardDirty = true;
    lastMessageId = ack.id();
    room.lastSeq = ack.seq();
    activeCount++;
    if (clientMsgId != null) {
      idempotency.put(senderId, clientMsgId, ack);
    }
    return ack;
  }

  // ---- transactions ----

  /** Makes the batch durable: both files are fsynced before this returns (WAL, synchronous=FULL). */
  void commit() throws SQLException {
    writeChecksums();
    if (shardDirty) {
      insertMessage.executeBatch();
      insertFts.executeBatch();
      shard.commit();
      shardDirty = false;
    }
    if (catalogDirty) {
      catalog.commit();
      catalogDirty = false;
    }
  }

  void rollback() {
    try {
      insertMessage.clearBatch();
      insertFts.clearBatch();
      shard.rollback();
    } catch (SQLException e) {
      LOG.error("shard rollback failed", e);
    }
    try {
      catalog.rollback();
    } catch (SQLException e) {
      LOG.error("catalog rollback failed", e);
    }
    shardDirty = false;
    catalogDirty = false;
  }

  // ---- rolling ----

  /**
   * Seals the full active shard and opens the next. Order matters for crash safety: the next file is created
   * (and fsynced) first, then one catalog transaction seals the old shard, records the new one and each room's
   * sealed seq; a crash before that commit leaves the old shard active and full, and the next start rolls again.
   */
  void roll() throws SQLException {
    ShardInfo old = manifest.activeShard();
    ShardInfo sealed;
    Map<Long, Long> roomSeqs = new HashMap<>();
    try (var st = shard.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), min(id), max(id), min(ts), max(ts) FROM messages")) {
        sealed = new ShardInfo(old.number(), old.file(), true, rs.getLong(2), rs.getLong(3), rs.getLong(4),
          rs.getLong(5), rs.getLong(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT room_id, max(seq) FROM messages GROUP BY room_id")) {
        while (rs.next()) {
          roomSeqs.put(rs.getLong(1), rs.getLong(2));
        }
      }
    }
    shard.commit();
    int nextNumber = old.number() + 1;
    Path next = messagesDir.resolve(ShardInfo.fileName(nextNumber));
    if (Files.exists(next)) {
      adoptOrphan(next, nextNumber);
    } else {
      createShardFile(next, nextNumber);
    }
    long now = clock.millis();
    try (PreparedStatement seal = catalog.prepareStatement("UPDATE shards SET state = 'sealed', min_id = ?, max_id = ?, "
      + "min_ts = ?, max_ts = ?, message_count = ?, sealed_at = ? WHERE shard = ?")) {
      seal.setLong(1, sealed.minId());
      seal.setLong(2, sealed.maxId());
      seal.setLong(3, sealed.minTs());
      seal.setLong(4, sealed.maxTs());
      seal.setLong(5, sealed.count());
      seal.setLong(6, now);
      seal.setInt(7, old.number());
      seal.executeUpdate();
    }
    insertActiveShard(nextNumber, next);
    try (PreparedStatement seq = catalog.prepareStatement(
      "UPDATE rooms SET sealed_seq = max(sealed_seq, ?) WHERE id = ?")) {
      for (var e : roomSeqs.entrySet()) {
        seq.setLong(1, e.getValue());
        seq.setLong(2, e.getKey());
        seq.addBatch();
      }
      seq.executeBatch();
    }
    try (PreparedStatement meta = catalog.prepareStatement("INSERT INTO meta(key, value) VALUES(?, ?) "
      + "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)")) {
      meta.setString(1, Schema.META_SEALED_MAX_ID);
      meta.setLong(2, sealed.maxId());
      meta.executeUpdate();
    }
    catalog.commit();

    Sqlite.closeQuietly(insertMessage);
    Sqlite.closeQuietly(insertFts);
    checkpointAndClose(shard);
    recordChecksum(sealed);
    openActive(next);
    activeCount = 0;
    idempotency.roll();
    List<ShardInfo> shards = new ArrayList<>(manifest.sealed());
    shards.add(sealed);
    shards.add(new ShardInfo(nextNumber, next, false, 0, 0, 0, 0, 0));
    manifest = new ShardManifest(shards);
    LOG.info("sealed {} ({} messages, ids {}..{}); writing {}", old.file().getFileName(), sealed.count(),
      sealed.minId(), sealed.maxId(), next.getFileName());
    applyRetention();
  }

  /** A file for the next shard exists but is not in the manifest: a crash between creating it and recording it. */
  private void adoptOrphan(Path next, int number) throws SQLException {
    try (Connection c = Sqlite.writer(next)) {
      Sqlite.execute(c, Schema.SHARD);
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM messages")) {
        if (rs.getLong(1) != 0) {
          throw new SQLException("shard file " + next + " is not in the manifest but holds messages; move it away");
        }
      }
      c.commit();
      Sqlite.execute(c, "DELETE FROM shard_meta");
      StoreCheck.stamp(c, storeId, number);
    }
  }

  /**
   * The sealed file's SHA-256 into the manifest: read off the writer thread (tens of MB would stall appends),
   * recorded by it with the next commit (the writer holds the catalog's write lock). A crash first leaves it to
   * be recorded at the next start.
   */
  private void recordChecksum(ShardInfo sealed) {
    checksums.execute(() -> {
      try {
        sealedChecksums.add(Map.entry(sealed.number(), StoreCheck.sha256(sealed.file())));
      } catch (IOException e) {
        LOG.warn("could not read {} for its checksum (the next start records it): {}", sealed.file(), e.getMessage());
      }
    });
  }

  private void writeChecksums() throws SQLException {
    for (Map.Entry<Integer, String> done = sealedChecksums.poll(); done != null; done = sealedChecksums.poll()) {
      ShardChecksums.write(catalog, done.getKey(), done.getValue());
      catalogDirty = true;
    }
  }

  /** Folds the WAL into the sealed file so it is one self-contained file to copy or move. */
  private static void checkpointAndClose(Connection connection) {
    try {
      connection.commit();
      connection.setAutoCommit(true);
      Sqlite.execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      LOG.warn("checkpoint of a sealed shard failed (its WAL stays beside it): {}", e.getMessage());
    }
    Sqlite.closeQuietly(connection);
  }

  /** Deletes the oldest sealed shards beyond {@code retainShards}: the manifest first, then the files. */
  private void applyRetention() throws SQLException {
    if (options.retainShards() == 0) {
      return;
    }
    List<ShardInfo> sealed = manifest.sealed();
    int excess = sealed.size() - options.retainShards();
    if (excess <= 0) {
      return;
    }
    List<ShardInfo> dropped = sealed.subList(0, excess);
    try (PreparedStatement delete = catalog.prepareStatement("DELETE FROM shards WHERE shard = ?")) {
      for (ShardInfo info : dropped) {
        delete.setInt(1, info.number());
        delete.addBatch();
      }
      delete.executeBatch();
    }
    catalog.commit();
    List<ShardInfo> kept = new ArrayList<>(sealed.subList(excess, sealed.size()));
    kept.add(manifest.activeShard());
    manifest = new ShardManifest(kept);
    for (ShardInfo info : dropped) {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        try {
          Files.deleteIfExists(Path.of(info.file() + suffix));
        } catch (IOException e) {
          LOG.warn("retention could not delete {}{}: {}", info.file(), suffix, e.getMessage());
        }
      }
      LOG.info("retention deleted {} ({} messages, ids {}..{})", info.file().getFileName(), info.count(),
        info.minId(), info.maxId());
    }
  }

  // ---- read by other threads ----

  ShardManifest manifest() {
    return manifest;
  }

  long userCount() {
    return userCount;
  }

  int roomCount() {
    return roomCount;
  }

  long activeCount() {
    return activeCount;
  }

  long lastMessageId() {
    return lastMessageId;
  }

  int maxMessagesPerShard() {
    return options.maxMessagesPerShard();
  }

  Path catalogFile() {
    return options.dataDir().resolve(CATALOG_FILE);
  }

  StoreIdentity identity() {
    return identity;
  }

  DamagedShards damaged() {
    return damaged;
  }

  @Override
  public void close() {
    checksums.shutdown();
    try {
      checksums.awaitTermination(30, TimeUnit.SECONDS); // a checksum being taken is recorded before the files close
      writeChecksums();
      catalog.commit();
      catalogDirty = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.warn("could not record sealed shards' checksums at stop (the next start records them): {}", e.getMessage());
    }
    Sqlite.closeQuietly(insertMessage);
    Sqlite.closeQuietly(insertFts);
    if (shard != null) {
      checkpointQuietly(shard);
    }
    checkpointQuietly(catalog);
  }

  /**
   * Folds both WALs into their files and cuts them back (journal_size_limit), giving their space back when the
   * disk runs low; true when both were folded in. Writer thread, between batches.
   */
  boolean checkpointWals() {
    boolean done = true;
    for (Connection c : List.of(catalog, shard)) {
      try {
        c.commit();
        c.setAutoCommit(true);
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
          done &= rs.next() && rs.getInt(1) == 0;
        } finally {
          c.setAutoCommit(false);
        }
      } catch (SQLException e) {
        done = false;
      }
    }
    return done;
  }

  /**
   * After {@link #close} and once every reader connection is closed: folds the catalog's and the active shard's
   * WAL into their files (a clean stop leaves each file whole on its own, so a copy of it is a backup).
   */
  void checkpoint() {
    for (Path file : List.of(catalogFile(), manifest.activeShard().file())) {
      try (Connection c = Sqlite.writer(file)) {
        c.setAutoCommit(true);
        Sqlite.execute(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (SQLException e) {
        LOG.warn("checkpoint of {} at stop failed (its WAL stays beside it, nothing is lost): {}", file, e.getMessage());
      }
    }
  }

  private static void checkpointQuietly(Connection connection) {
    try {
      connection.commit();
    } catch (SQLException ignored) {
      // nothing was pending
    }
    Sqlite.closeQuietly(connection);
  }
}
