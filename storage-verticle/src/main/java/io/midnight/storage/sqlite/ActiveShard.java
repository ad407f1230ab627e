package io.midnight.storage.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The one shard file appends go to: its writer connection and prepared inserts. Appends are batched into the open
 * transaction and written at {@link #commit}; {@link #seal} ends its life as a self-contained file. Writer thread
 * only, except {@link #count()}.
 */
final class ActiveShard implements AutoCloseable {

  private final ShardInfo info;
  private final Connection connection;
  private final PreparedStatement insertMessage;
  private final PreparedStatement insertFts;
  private boolean dirty;
  private volatile long count;

  private ActiveShard(ShardInfo info, Connection connection) throws SQLException {
    this.info = info;
    this.connection = connection;
    this.insertMessage = connection.prepareStatement(Schema.INSERT_MESSAGE);
    this.insertFts = connection.prepareStatement(Schema.INSERT_FTS);
  }

  /** Makes a new, empty shard file of this store. */
  static void create(Path file, String storeId, int number) throws SQLException {
    try (Connection c = Sqlite.writer(file)) {
      Sqlite.execute(c, Schema.SHARD);
      Sqlite.execute(c, Schema.FTS_TUNING);
      c.commit();
      StoreCheck.stamp(c, storeId, number);
    }
  }

  static ActiveShard open(ShardInfo info) throws SQLException {
    Connection c = Sqlite.writer(info.file());
    try {
      Sqlite.execute(c, Schema.SHARD);
      c.commit();
      c.setAutoCommit(true);
      // checkpoint the WAL into the shard every ~40 MB instead of every 4 MB: fewer, larger copies (+7% appends/s)
      Sqlite.execute(c, "PRAGMA wal_autocheckpoint=10000");
      c.setAutoCommit(false);
      return new ActiveShard(info, c);
    } catch (SQLException | RuntimeException e) {
      Sqlite.closeQuietly(c);
      throw e;
    }
  }

  ShardInfo info() {
    return info;
  }

  /** Messages in the file plus those appended since the last commit. */
  long count() {
    return count;
  }

  void append(Ack ack, long senderId, String sender, String text, String clientMsgId) throws SQLException {
    insertMessage.setLong(1, ack.id());
    insertMessage.setLong(2, ack.room());
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
    dirty = true;
    count++;
  }

  /** Durable when this returns (WAL, synchronous=FULL). */
  void commit() throws SQLException {
    if (dirty) {
      insertMessage.executeBatch();
      insertFts.executeBatch();
      connection.commit();
      dirty = false;
    }
  }

  void rollback() throws SQLException {
    dirty = false;
    insertMessage.clearBatch();
    insertFts.clearBatch();
    connection.rollback();
  }

  /**
   * From what is committed: the count, each room's last seq (into {@code lastSeqs}), the idempotency keys (into
   * {@code keys}); returns the largest id. Ends its read transaction.
   */
  long load(Map<Long, Long> lastSeqs, KeySink keys) throws SQLException {
    long maxId;
    try (Statement st = connection.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(id), 0) FROM messages")) {
        count = rs.getLong(1);
        maxId = rs.getLong(2);
      }
      lastSeqs.putAll(roomLastSeqs(st));
    }
    loadKeys(connection, keys);
    connection.rollback();
    return maxId;
  }

  /** The ack of every message in {@code shard} that carries a {@code clientMsgId}, by its idempotency key. */
  static void loadKeys(Connection shard, KeySink sink) throws SQLException {
    try (Statement st = shard.createStatement(); ResultSet rs = st.executeQuery(Schema.IDEMPOTENCY_KEYS)) {
      while (rs.next()) {
        sink.put(rs.getLong(1), rs.getString(2), new Ack(rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
          false));
      }
    }
  }

  @FunctionalInterface
  interface KeySink {
    void put(long senderId, String clientMsgId, Ack ack);
  }

  /**
   * What the manifest records of this shard once sealed, and each room's last seq in it; commits what is pending
   * first. The file stays open until {@link #close}.
   */
  ShardInfo sealedInfo(Map<Long, Long> lastSeqs) throws SQLException {
    commit();
    ShardInfo sealed;
    try (Statement st = connection.createStatement()) {
      try (ResultSet rs = st.executeQuery(Schema.SHARD_SUMMARY)) {
        sealed = new ShardInfo(info.number(), info.file(), true, rs.getLong(2), rs.getLong(3), rs.getLong(4),
          rs.getLong(5), rs.getLong(1));
      }
      lastSeqs.putAll(roomLastSeqs(st));
    }
    connection.commit();
    return sealed;
  }

  private static Map<Long, Long> roomLastSeqs(Statement st) throws SQLException {
    Map<Long, Long> seqs = new HashMap<>();
    try (ResultSet rs = st.executeQuery(Schema.ROOM_LAST_SEQS)) {
      while (rs.next()) {
        seqs.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return seqs;
  }

  /**
   * Folds the WAL into the file and cuts it back ({@code wal_checkpoint(TRUNCATE)}): sealed, the shard is one
   * self-contained file to copy or move; low on disk, the WAL's space comes back. True when it was folded in whole.
   */
  boolean checkpoint() {
    return Sqlite.checkpoint(connection);
  }

  /** Stops writing: folds the WAL in where no reader holds it (a sealed or cleanly stopped shard is one file). */
  @Override
  public void close() {
    Sqlite.closeQuietly(insertMessage);
    Sqlite.closeQuietly(insertFts);
    checkpoint();
    Sqlite.closeQuietly(connection);
  }
}
