package io.midnight.storage.sqlite;

/** Thrown by an append that finds the active shard full: the writer commits, rolls, then retries the append. */
final class ShardFullException extends RuntimeException {

  ShardFullException() {
    super("active shard is full", null, false, false);
  }
}
