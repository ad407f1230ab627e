package io.midnight.storage.sqlite;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Free space where the store lives. Below {@code storage.minFreeBytes} the writer refuses writes with
 * {@code disk_full} before SQLite runs out mid-transaction (which costs a rollback, and for a commit an outcome
 * nobody can tell), a roll does not open a new shard, and the store is not ready; above it again, writes go on by
 * themselves. Checked before each batch: a statfs, microseconds. Used by the writer thread and, for the
 * store's stats, by others: the cached store is set idempotently.
 */
final class DiskSpace {

  private final Path dir;
  private final long minFree;
  private FileStore store;

  DiskSpace(Path dir, long minFree) {
    this.dir = dir;
    this.minFree = minFree;
  }

  /** Why writes are refused now, or null when there is room (or when the space cannot be read: SQLite will tell). */
  String refusal() {
    long free = free();
    return free < 0 || free >= minFree ? null : String.format("disk full: %,d MB free on the store's disk (%s), "
      + "writes need %,d MB; they resume by themselves once there is room", free >> 20, dir, minFree >> 20);
  }

  /** Usable bytes on the store's disk, or -1 when they cannot be read. */
  long free() {
    try {
      if (store == null) {
        store = Files.getFileStore(dir); // found once: finding it reads the mount table, asking it is one statfs
      }
      return store.getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  long minFree() {
    return minFree;
  }

  /** Whether a failure is SQLite (or the OS) running out of space. */
  static boolean isFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String why = String.valueOf(t.getMessage());
      if (why.contains("SQLITE_FULL") || why.contains("disk is full") || why.contains("No space left")) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getErrorCode() == 13) { // SQLITE_FULL
        return true;
      }
    }
    return false;
  }
}
