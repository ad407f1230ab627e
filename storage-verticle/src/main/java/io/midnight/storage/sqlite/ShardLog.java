package io.midnight.storage.sqlite;

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
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The messages as a log of shard files, in the manner of Kafka's log and its segments: the manifest (the catalog's
 * {@code shards} table, published to readers as an immutable {@link ShardManifest}), the {@link ActiveShard} at its
 * head, the one roll decision ({@link #shouldRoll}), the roll itself, retention and the sealed shards' checksums.
 * Writer thread only, except {@link #manifest()} and {@link #activeCount()}.
 */
final class ShardLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShardLog.class);
  static final String DIR = "messages";

  private final Path dir;
  private final Catalog catalog;
  private final Clock clock;
  private final int maxMessagesPerShard;
  private final int retainShards;
  private final String storeId;
  private volatile ShardManifest manifest;
  /** Null only after a roll sealed the old shard and could not open the next: {@link #reopen} mends it. */
  private ActiveShard active;
  private final Queue<Map.Entry<Integer, String>> sealedChecksums = new ConcurrentLinkedQueue<>();
  private final ExecutorService checksums = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "midnight-shard-checksum");
    t.setDaemon(true);
    return t;
  });

  ShardLog(Path dir, Catalog catalog, Clock clock, int maxMessagesPerShard, int retainShards, String storeId,
           ShardManifest manifest) throws SQLException {
    this.dir = dir;
    this.catalog = catalog;
    this.clock = clock;
    this.maxMessagesPerShard = maxMessagesPerShard;
    this.retainShards = retainShards;
    this.storeId = storeId;
    this.manifest = manifest;
    this.active = ActiveShard.open(manifest.activeShard());
  }

  /** A new store's first shard: made, then recorded as active (committed). */
  static void start(Path dir, Catalog catalog, String storeId, long now) throws SQLException {
    Path first = dir.resolve(ShardInfo.fileName(1));
    ActiveShard.create(first, storeId, 1);
    recordActive(catalog.connection(), 1, first, now);
    catalog.connection().commit();
  }

  private static void recordActive(Connection catalog, int number, Path file, long now) throws SQLException {
    try (PreparedStatement ps = catalog.prepareStatement(Schema.INSERT_ACTIVE_SHARD)) {
      ps.setInt(1, number);
      ps.setString(2, file.getFileName().toString());
      ps.setLong(3, now);
      ps.executeUpdate();
    }
  }

  ShardManifest manifest() {
    return manifest;
  }

  ActiveShard active() {
    return active;
  }

  long activeCount() {
    ActiveShard shard = active;
    return shard == null ? 0 : shard.count();
  }

  int maxMessagesPerShard() {
    return maxMessagesPerShard;
  }

  /** The one roll decision: the active shard holds {@code maxMessagesPerShard} messages. */
  boolean shouldRoll() {
    return active.count() >= maxMessagesPerShard;
  }

  /** Writes the active shard's batch; the sealed checksums taken since go to the catalog, committed next. */
  void commit() throws SQLException {
    writeChecksums();
    active.commit();
  }

  void rollback() throws SQLException {
    if (active != null) {
      active.rollback();
    }
  }

  /** After a roll that sealed the old shard but could not open the next: the active shard the catalog names. */
  void reopen() throws SQLException {
    if (active == null) {
      manifest = new ShardManifest(ShardManifest.read(catalog.connection(), dir));
      catalog.rollback();
      active = ActiveShard.open(manifest.activeShard());
    }
  }

  /**
   * Seals the full active shard and opens the next. Order matters for crash safety: the next file is created
   * (and fsynced) first, then one catalog transaction seals the old shard, records the new one and each room's
   * sealed seq; a crash before that commit leaves the old shard active and full, and the next start rolls again.
   */
  void roll() throws SQLException {
    ShardInfo old = active.info();
    Map<Long, Long> roomSeqs = new HashMap<>();
    ShardInfo sealed = active.sealedInfo(roomSeqs);
    int nextNumber = old.number() + 1;
    Path next = dir.resolve(ShardInfo.fileName(nextNumber));
    if (Files.exists(next)) {
      adoptOrphan(next, nextNumber);
    } else {
      ActiveShard.create(next, storeId, nextNumber);
    }
    recordSeal(sealed, roomSeqs);
    recordActive(catalog.connection(), nextNumber, next, clock.millis());
    catalog.changed();
    catalog.commit();

    active.close();
    active = null;
    recordChecksum(sealed);
    ShardInfo opened = new ShardInfo(nextNumber, next, false, 0, 0, 0, 0, 0);
    List<ShardInfo> shards = new ArrayList<>(manifest.sealed());
    shards.add(sealed);
    shards.add(opened);
    manifest = new ShardManifest(shards);
    active = ActiveShard.open(opened);
    LOG.info("sealed {} ({} messages, ids {}..{}); writing {}", old.file().getFileName(), sealed.count(),
      sealed.minId(), sealed.maxId(), next.getFileName());
    applyRetention();
  }

  private void recordSeal(ShardInfo sealed, Map<Long, Long> roomSeqs) throws SQLException {
    Connection c = catalog.connection();
    try (PreparedStatement seal = c.prepareStatement(Schema.SEAL_SHARD)) {
      seal.setLong(1, sealed.minId());
      seal.setLong(2, sealed.maxId());
      seal.setLong(3, sealed.minTs());
      seal.setLong(4, sealed.maxTs());
      seal.setLong(5, sealed.count());
      seal.setLong(6, clock.millis());
      seal.setInt(7, sealed.number());
      seal.executeUpdate();
    }
    try (PreparedStatement seq = c.prepareStatement(Schema.RAISE_SEALED_SEQ)) {
      for (var e : roomSeqs.entrySet()) {
        seq.setLong(1, e.getValue());
        seq.setLong(2, e.getKey());
        seq.addBatch();
      }
      seq.executeBatch();
    }
    try (PreparedStatement meta = c.prepareStatement(Schema.RAISE_META)) {
      meta.setString(1, Schema.META_SEALED_MAX_ID);
      meta.setLong(2, sealed.maxId());
      meta.executeUpdate();
    }
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

  /** Deletes the oldest sealed shards beyond {@code retainShards}: the manifest first, then the files. */
  private void applyRetention() throws SQLException {
    List<ShardInfo> sealed = manifest.sealed();
    int excess = sealed.size() - retainShards;
    if (retainShards == 0 || excess <= 0) {
      return;
    }
    List<ShardInfo> dropped = sealed.subList(0, excess);
    try (PreparedStatement delete = catalog.connection().prepareStatement(Schema.DELETE_SHARD)) {
      for (ShardInfo info : dropped) {
        delete.setInt(1, info.number());
        delete.addBatch();
      }
      delete.executeBatch();
    }
    catalog.changed();
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

  /** Waits for a checksum being taken and hands the finished ones to the catalog (committed by the caller). */
  void finishChecksums() throws SQLException, InterruptedException {
    checksums.shutdown();
    checksums.awaitTermination(30, TimeUnit.SECONDS);
    writeChecksums();
  }

  private void writeChecksums() throws SQLException {
    for (Map.Entry<Integer, String> done = sealedChecksums.poll(); done != null; done = sealedChecksums.poll()) {
      ShardChecksums.write(catalog.connection(), done.getKey(), done.getValue());
      catalog.changed();
    }
  }

  @Override
  public void close() {
    checksums.shutdownNow();
    if (active != null) {
      active.close();
    }
  }
}
