package io.midnight.storage.sqlite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's tools on an embedded store (README, "A damaged store"): {@link #verify} reads a data directory
 * without writing to it and says whether it is whole; {@link #backup} copies one while it is being written;
 * {@link #restore} puts a backup in place of an absent data directory. Blocking; not for the event loop.
 */
public final class StoreTools {

  private StoreTools() {
  }

  /**
   * Everything start-up checks, read-only, and each room's seqs 1..N without a gap or a repeat across the shards
   * that remain (after retention, from the first kept seq). Prints what it finds; true when the store is whole.
   */
  public static boolean verify(Path dataDir, PrintStream out) throws SQLException {
    Path catalogFile = dataDir.resolve(Catalog.FILE);
    Path messagesDir = dataDir.resolve(ShardLog.DIR);
    List<String> problems = new ArrayList<>();
    try {
      StoreCheck.catalogPresent(dataDir, messagesDir);
    } catch (StorageStartupException e) {
      out.println("DAMAGED: " + e.getMessage());
      return false;
    }
    if (!Files.exists(catalogFile)) {
      out.println("no store in " + dataDir + " (no catalog.db)");
      return false;
    }
    List<ShardInfo> shards;
    String storeId = null;
    Map<Integer, String> recorded;
    try (Connection catalog = Sqlite.reader(catalogFile); Statement st = catalog.createStatement()) {
      shards = ShardManifest.read(catalog, messagesDir);
      try (ResultSet rs = st.executeQuery("SELECT id FROM store")) {
        storeId = rs.next() ? rs.getString(1) : null;
      } catch (SQLException e) {
        problems.add("the catalog has no store id (made by a version before ids: a start gives it one)");
      }
      recorded = Sqlite.hasColumn(catalog, "shards", "checksum") ? ShardChecksums.recorded(catalog) : Map.of();
    }
    try {
      StoreCheck.manifestMatchesFiles(shards, messagesDir);
    } catch (StorageStartupException e) {
      problems.add(e.getMessage());
    }
    out.printf("store %s: %d shard(s) in the manifest%n", storeId == null ? "(no id)" : storeId, shards.size());
    Map<Long, long[]> rooms = new HashMap<>(); // room -> {messages, min seq, max seq}
    List<ShardInfo> sealed = new ArrayList<>();
    for (ShardInfo shard : shards) {
      if (!Files.isRegularFile(shard.file())) {
        problems.add(shard.file() + ": missing");
        continue;
      }
      try (Connection c = Sqlite.reader(shard.file()); Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("SELECT store_id, shard FROM shard_meta")) {
          if (rs.next() && storeId != null && (!storeId.equals(rs.getString(1)) || rs.getInt(2) != shard.number())) {
            problems.add(shard.file() + ": belongs to store " + rs.getString(1) + " as shard " + rs.getInt(2));
          }
        } catch (SQLException e) {
          // a shard from before ids: a start stamps it
        }
        String counts = shard.sealed() ? StoreCheck.countsProblem(c, shard) : null;
        if (counts != null) {
          problems.add(shard.file() + ": " + counts);
        }
        try (ResultSet rs = st.executeQuery("SELECT room_id, count(*), min(seq), max(seq) FROM messages GROUP BY room_id")) {
          while (rs.next()) {
            long[] r = rooms.computeIfAbsent(rs.getLong(1), k -> new long[] {0, Long.MAX_VALUE, 0});
            r[0] += rs.getLong(2);
            r[1] = Math.min(r[1], rs.getLong(3));
            r[2] = Math.max(r[2], rs.getLong(4));
          }
        }
      } catch (SQLException e) {
        problems.add(shard.file() + ": unreadable: " + e.getMessage());
        continue;
      }
      if (shard.sealed()) {
        sealed.add(shard);
      }
    }
    ShardChecksums.verify(sealed, recorded, null)
      .forEach((shard, why) -> problems.add(shard.file() + ": " + why));
    rooms.forEach((room, r) -> {
      if (r[0] != r[2] - r[1] + 1) {
        problems.add("room " + room + ": " + r[0] + " message(s) for seqs " + r[1] + ".." + r[2]
          + " (a gap or a repeat)");
      }
    });
    long messages = rooms.values().stream().mapToLong(r -> r[0]).sum();
    if (problems.isEmpty()) {
      out.printf("whole: %d message(s) in %d room(s), every seq once, %d sealed shard(s) match their checksums%n",
        messages, rooms.size(), sealed.size());
      return true;
    }
    problems.forEach(p -> out.println("DAMAGED: " + p));
    return false;
  }

  /**
   * A consistent copy of a store that may be serving: the catalog first, with SQLite's online backup, then every
   * shard its manifest lists (sealed ones are never written again and are copied as files; the active one by
   * online backup, so it holds at least what the catalog's copy knows). Shards sealed after the catalog was
   * copied are left out: the copy is the store as of its catalog, plus the active shard's newer messages.
   */
  public static void backup(Path dataDir, Path to, PrintStream out) throws SQLException, IOException {
    if (Files.exists(to.resolve(Catalog.FILE))) {
      throw new IOException(to + " already holds a store; back up into an empty directory");
    }
    Path messages = Files.createDirectories(to.resolve(ShardLog.DIR));
    Sqlite.ownerOnlyDirectory(to);
    Sqlite.ownerOnlyDirectory(messages);
    Path catalogCopy = to.resolve(Catalog.FILE);
    onlineBackup(dataDir.resolve(Catalog.FILE), catalogCopy);
    List<String[]> files = new ArrayList<>();
    try (Connection catalog = Sqlite.reader(catalogCopy); Statement st = catalog.createStatement();
         ResultSet rs = st.executeQuery("SELECT file, state FROM shards ORDER BY shard")) {
      while (rs.next()) {
        files.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] file : files) {
      Path source = dataDir.resolve(ShardLog.DIR).resolve(file[0]);
      Path target = messages.resolve(file[0]);
      if ("sealed".equals(file[1])) {
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      } else {
        onlineBackup(source, target);
      }
      out.printf("  %s (%s, %d MB)%n", file[0], file[1], Files.size(target) >> 20);
    }
    out.printf("backed up %s to %s: catalog and %d shard(s)%n", dataDir, to, files.size());
  }

  /** Puts the backup {@code from} in place as {@code dataDir}, which must not hold a store, and verifies it. */
  public static boolean restore(Path from, Path dataDir, PrintStream out) throws SQLException, IOException {
    if (Files.exists(dataDir.resolve(Catalog.FILE))
      || !StoreCheck.shardFiles(dataDir.resolve(ShardLog.DIR)).isEmpty()) {
      throw new IOException(dataDir + " holds a store: move it aside first (nothing is overwritten)");
    }
    if (!Files.exists(from.resolve(Catalog.FILE))) {
      throw new IOException(from + " is not a backup (no catalog.db)");
    }
    Path messages = Files.createDirectories(dataDir.resolve(ShardLog.DIR));
    Sqlite.ownerOnlyDirectory(dataDir);
    Sqlite.ownerOnlyDirectory(messages);
    Files.copy(from.resolve(Catalog.FILE), dataDir.resolve(Catalog.FILE));
    for (Path shard : StoreCheck.shardFiles(from.resolve(ShardLog.DIR))) {
      Files.copy(shard, messages.resolve(shard.getFileName()));
    }
    out.printf("restored %s into %s%n", from, dataDir);
    return verify(dataDir, out);
  }

  /** SQLite's online backup: a consistent copy of a database another connection may be writing. */
  private static void onlineBackup(Path source, Path target) throws SQLException, IOException {
    try (Connection c = Sqlite.reader(source); Statement st = c.createStatement()) {
      st.executeUpdate("backup to " + target);
    }
    Sqlite.ownerOnly(target);
  }
}
