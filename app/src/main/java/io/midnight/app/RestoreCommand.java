package io.midnight.app;

import io.midnight.storage.sqlite.StoreTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code midnight restore --from DIR2 --data DIR}: a backup put in place, then verified. */
@Command(name = "restore", mixinStandardHelpOptions = true,
  description = {"Put a backup made by 'midnight backup' in place as a data directory that holds no store (move",
    "a damaged one aside first: nothing is overwritten), then verify it. Exit code 0: restored and whole."})
final class RestoreCommand implements Callable<Integer> {

  @Option(names = "--from", paramLabel = "DIR2", required = true, description = "the backup")
  Path from;

  @Option(names = "--data", paramLabel = "DIR", required = true, description = "where the store goes")
  Path data;

  @Override
  public Integer call() {
    try {
      return StoreTools.restore(from, data, System.out) ? 0 : 1;
    } catch (Exception e) {
      System.err.println("midnight: restore failed: " + e.getMessage());
      return 1;
    }
  }
}
