package io.midnight.storage.sqlite;

import io.midnight.common.auth.StoreIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * What the single writer owns, as its operations see it: the {@link Catalog} (users, rooms, memberships), the
 * {@link ShardLog} (the message shards), the idempotency index and the last message id, made whole by
 * {@link Recovery}. Not thread-safe: only the {@link GroupCommitWriter} thread calls it; the figures read by other
 * threads are volatile. Any {@link SQLException} makes the writer roll back the whole batch and {@link #rederive()}.
 */
final class WriterState implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriterState.class);

  private final Catalog catalog;
  private final ShardLog log;
  private final Path catalogFile;
  private final Clock clock;
  private final StoreIdentity identity;
  private final DamagedShards damaged;
  private final IdempotencyIndex idempotency;
  private volatile long lastMessageId;

  WriterState(Catalog catalog, ShardLog log, Path catalogFile, Clock clock, StoreIdentity identity,
              DamagedShards damaged) {
    this.catalog = catalog;
    this.log = log;
    this.catalogFile = catalogFile;
    this.clock = clock;
    this.identity = identity;
    this.damaged = damaged;
    this.idempotency = new IdempotencyIndex(Math.min(log.maxMessagesPerShard(), 1 << 20));
  }

  Catalog catalog() {
    return catalog;
  }

  /**
   * Assigns the room's next seq and the next global id; a known {@code clientMsgId} returns its first ack. A full
   * active shard throws {@link ShardFullException}: the writer commits, {@link #roll}s, and applies it again.
   */
  Ack append(long roomId, long senderId, String sender, String text, String clientMsgId) throws SQLException {
    if (clientMsgId != null) {
      Ack prior = idempotency.find(senderId, clientMsgId);
      if (prior != null) {
        return prior.asDuplicate();
      }
    }
    RoomState room = catalog.room(roomId);
    if (log.shouldRoll()) {
      throw new ShardFullException();
    }
    Ack ack = new Ack(lastMessageId + 1, roomId, room.lastSeq + 1, clock.millis(), false);
    log.active().append(ack, senderId, sender, text, clientMsgId);
    lastMessageId = ack.id();
    room.lastSeq = ack.seq();
    if (clientMsgId != null) {
      idempotency.put(senderId, clientMsgId, ack);
    }
    return ack;
  }

  /** Makes the batch durable: the shard, then the catalog, each fsynced before this returns. */
  void commit() throws SQLException {
    log.commit();
    catalog.commit();
  }

  void rollback() {
    try {
      log.rollback();
    } catch (SQLException e) {
      LOG.error("shard rollback failed", e);
    }
    try {
      catalog.rollback();
    } catch (SQLException e) {
      LOG.error("catalog rollback failed", e);
    }
  }

  /** Derives the in-memory state from what is committed on disk (at start, and after a failed batch). */
  void rederive() throws SQLException {
    lastMessageId = Recovery.rederive(catalog, log, idempotency);
  }

  void roll() throws SQLException {
    log.roll();
    idempotency.roll();
  }

  /**
   * Folds both WALs into their files and cuts them back (journal_size_limit), giving their space back when the
   * disk runs low; true when both were folded in. Writer thread, between batches.
   */
  boolean checkpointWals() {
    boolean catalogDone = Sqlite.checkpoint(catalog.connection());
    ActiveShard active = log.active();
    return catalogDone && active != null && active.checkpoint();
  }

  // ---- read by other threads ----

  ShardManifest manifest() {
    return log.manifest();
  }

  long userCount() {
    return catalog.userCount();
  }

  int roomCount() {
    return catalog.roomCount();
  }

  long activeCount() {
    return log.activeCount();
  }

  long lastMessageId() {
    return lastMessageId;
  }

  int maxMessagesPerShard() {
    return log.maxMessagesPerShard();
  }

  Path catalogFile() {
    return catalogFile;
  }

  StoreIdentity identity() {
    return identity;
  }

  DamagedShards damaged() {
    return damaged;
  }

  /** Records the sealed shards' checksums still being taken, then closes both files. */
  @Override
  public void close() {
    try {
      log.finishChecksums();
      catalog.commit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.warn("could not record sealed shards' checksums at stop (the next start records them): {}", e.getMessage());
    }
    log.close();
    catalog.close();
  }

  /**
   * After {@link #close} and once every reader connection is closed: folds the catalog's and the active shard's
   * WAL into their files (a clean stop leaves each file whole on its own, so a copy of it is a backup).
   */
  void checkpoint() {
    for (Path file : List.of(catalogFile, log.manifest().activeShard().file())) {
      try (Connection c = Sqlite.writer(file)) {
        if (!Sqlite.checkpoint(c)) {
          LOG.warn("checkpoint of {} at stop did not complete (its WAL stays beside it, nothing is lost)", file);
        }
      } catch (SQLException e) {
        LOG.warn("checkpoint of {} at stop failed (its WAL stays beside it, nothing is lost): {}", file, e.getMessage());
      }
    }
  }
}
