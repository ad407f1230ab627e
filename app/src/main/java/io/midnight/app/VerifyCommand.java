package io.midnight.app;

import io.midnight.storage.sqlite.StoreTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code midnight verify --data DIR}: whether an embedded store is whole, without writing to it. */
@Command(name = "verify", mixinStandardHelpOptions = true,
  description = {"Check an embedded store without writing to it: catalog and manifest against the files, each",
    "shard's store id and counts, every sealed shard's SHA-256, and each room's seqs (no gap, no repeat).",
    "Exit code 0: whole; 1: damaged (each problem printed); 2: bad arguments. Safe while the store serves."})
final class VerifyCommand implements Callable<Integer> {

  @Option(names = "--data", paramLabel = "DIR", required = true, description = "the data directory")
  Path data;

  @Override
  public Integer call() {
    try {
      return StoreTools.verify(data, System.out) ? 0 : 1;
    } catch (Exception e) {
      System.out.println("DAMAGED: " + e.getMessage());
      return 1;
    }
  }
}
