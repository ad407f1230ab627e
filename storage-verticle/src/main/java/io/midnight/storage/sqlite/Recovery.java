package io.midnight.storage.sqlite;

import io.midnight.common.auth.StoreIdentity;
import io.midnight.storage.StorageOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the writer comes to trust what is on disk: at start, {@link #open} checks the data directory, the manifest
 * against the files and every shard against the store ({@link StoreCheck}), verifies the sealed shards' checksums
 * (unless that runs in the background) and refuses a damaged store with the reason, or sets damaged shards aside
 * on request; at start and after every failed batch, {@link #rederive} derives the writer's in-memory state from
 * what is committed.
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {
  }

  static WriterState open(StorageOptions options, Clock clock) {
    Path dataDir = options.dataDir();
    Path messagesDir = dataDir.resolve(ShardLog.DIR);
    Path catalogFile = dataDir.resolve(Catalog.FILE);
    Catalog catalog;
    try {
      Files.createDirectories(messagesDir);
      Sqlite.ownerOnlyDirectory(dataDir); // README, "Data layout": the data is its owner's only
      Sqlite.ownerOnlyDirectory(messagesDir);
      StoreCheck.catalogPresent(dataDir, messagesDir);
      catalog = Catalog.open(catalogFile, clock);
    } catch (IOException | SQLException e) {
      throw new StorageStartupException("cannot open catalog " + catalogFile + ": " + e.getMessage(), e);
    }
    try {
      StoreIdentity identity;
      List<ShardInfo> shards;
      try {
        shards = ShardManifest.read(catalog.connection(), messagesDir);
        StoreCheck.manifestMatchesFiles(shards, messagesDir);
        identity = StoreCheck.identity(catalog.connection(), clock.millis());
        if (shards.isEmpty()) {
          ShardLog.start(messagesDir, catalog, identity.id(), clock.millis());
          shards = ShardManifest.read(catalog.connection(), messagesDir);
        }
      } catch (SQLException e) {
        throw new StorageStartupException("cannot read the shard manifest in " + catalogFile + ": " + e.getMessage(), e);
      }
      ShardManifest manifest = new ShardManifest(shards);
      DamagedShards damaged = checkShards(manifest, catalog, identity.id(), options);
      ShardLog log;
      try {
        log = new ShardLog(messagesDir, catalog, clock, options.maxMessagesPerShard(), options.retainShards(),
          identity.id(), manifest);
      } catch (SQLException e) {
        throw new StorageStartupException("unreadable active shard " + manifest.activeShard().file() + ": "
          + e.getMessage(), e);
      }
      WriterState state = new WriterState(catalog, log, catalogFile, clock, identity, damaged);
      try {
        state.rederive();
      } catch (SQLException e) {
        state.close();
        throw new StorageStartupException("cannot recover state from " + manifest.activeShard().file() + ": "
          + e.getMessage(), e);
      }
      LOG.info("storage opened: store {}, {} shard(s), active {} with {} message(s), last id {}, {} room(s), {} user(s)",
        identity.id(), manifest.size(), manifest.activeShard().file().getFileName(), log.activeCount(),
        state.lastMessageId(), catalog.roomCount(), catalog.userCount());
      return state;
    } catch (RuntimeException e) {
      catalog.close();
      throw e;
    }
  }

  /**
   * The active shard is there and of this store; each sealed one is there, of this store, holds what the manifest
   * says and (unless verified in the background) matches its recorded checksum. A damaged one refuses the start,
   * or with {@code quarantineDamaged} is set aside.
   */
  private static DamagedShards checkShards(ShardManifest manifest, Catalog catalog, String storeId,
                                           StorageOptions options) {
    ShardInfo active = manifest.activeShard();
    if (active.sealed()) {
      throw new StorageStartupException("the shard manifest has no active shard (last is " + active.file() + ")");
    }
    if (!Files.isRegularFile(active.file())) {
      throw new StorageStartupException("missing active shard file " + active.file()
        + ": the manifest lists it; restore it from a backup or the data directory is not the one written before");
    }
    Map<ShardInfo, String> damage = new LinkedHashMap<>();
    try {
      StoreCheck.belongs(active, storeId);
      List<ShardInfo> whole = new ArrayList<>();
      for (ShardInfo info : manifest.sealed()) {
        String problem = checkSealed(info, storeId);
        if (problem != null) {
          damage.put(info, problem);
        } else {
          whole.add(info);
        }
      }
      if (!options.verifyInBackground()) {
        damage.putAll(ShardChecksums.verify(whole, ShardChecksums.recorded(catalog.connection()),
          catalog.connection()));
      }
    } catch (SQLException e) {
      throw new StorageStartupException("cannot check the shards of " + options.dataDir() + ": " + e.getMessage(), e);
    }
    DamagedShards damaged = new DamagedShards();
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
    return damaged;
  }

  /** A sealed shard's file is there, of this store, and holds what the manifest says; else why not. */
  private static String checkSealed(ShardInfo info, String storeId) throws SQLException {
    if (!Files.isRegularFile(info.file())) {
      return "missing: the manifest lists it as sealed shard " + info.number() + " with " + info.count()
        + " message(s)";
    }
    try (Connection reader = Sqlite.reader(info.file())) {
      String problem = StoreCheck.countsProblem(reader, info);
      if (problem != null) {
        return problem;
      }
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage();
    }
    StoreCheck.belongs(info, storeId);
    return null;
  }

  /**
   * The writer's in-memory state from what is committed: rooms and users from the catalog, each room's last seq
   * and the idempotency keys from the active shard (and the keys of the shard sealed before it); returns the last
   * message id. Ends with no transaction open.
   */
  static long rederive(Catalog catalog, ShardLog log, IdempotencyIndex idempotency) throws SQLException {
    log.reopen();
    idempotency.clear();
    catalog.load();
    long lastId = catalog.sealedMaxId();
    catalog.rollback(); // reads only
    Map<Long, Long> lastSeqs = new HashMap<>();
    lastId = Math.max(lastId, log.active().load(lastSeqs, idempotency::put));
    lastSeqs.forEach(catalog::raiseLastSeq);
    ShardInfo previous = log.manifest().previous();
    if (previous != null) {
      try (Connection reader = Sqlite.reader(previous.file())) {
        ActiveShard.loadKeys(reader, idempotency::putPrevious);
      }
    }
    return lastId;
  }
}
