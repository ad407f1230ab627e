package io.midnight.storage.sqlite;

import java.nio.file.Path;

/**
 * One row of the shard manifest. For the active shard the ranges and count are those recorded at start-up and
 * are not kept current (the writer tracks the live count); for a sealed shard they are final.
 */
record ShardInfo(int number, Path file, boolean sealed, long minId, long maxId, long minTs, long maxTs, long count) {

  static String fileName(int number) {
    return String.format("shard-%06d.db", number);
  }
}
