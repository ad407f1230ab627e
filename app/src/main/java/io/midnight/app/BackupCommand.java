package io.midnight.app;

import io.midnight.storage.sqlite.StoreTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code midnight backup --data DIR --to DIR2}: a consistent copy of an embedded store, while it serves. */
@Command(name = "backup", mixinStandardHelpOptions = true,
  description = {"Copy an embedded store, also while it serves: the catalog and the active shard with SQLite's",
    "online backup, sealed shards as files (they never change). Restore with 'midnight restore'.",
    "On PostgreSQL use its own tools (pg_dump, or base backups with WAL archiving)."})
final class BackupCommand implements Callable<Integer> {

  @Option(names = "--data", paramLabel = "DIR", required = true, description = "the store's data directory")
  Path data;

  @Option(names = "--to", paramLabel = "DIR2", required = true, description = "an empty directory for the copy")
  Path to;

  @Override
  public Integer call() {
    try {
      StoreTools.backup(data, to, System.out);
      return 0;
    } catch (Exception e) {
      System.err.println("midnight: backup failed: " + e.getMessage());
      return 1;
    }
  }
}
