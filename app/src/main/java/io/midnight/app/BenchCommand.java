package io.midnight.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code midnight bench ...}: benchmarks that report throughput against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
  description = "Run a benchmark and print its figures.",
  subcommands = {BenchCommand.Storage.class})
final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "storage", mixinStandardHelpOptions = true,
    description = {"Durable appends/s through the storage verticle (group commit vs one transaction per message),",
      "history and search latency on a store of --store-messages messages in 10 shards,",
      "and users/s through POST /api/users/batch. A warm-up run comes first; everything runs in temporary",
      "directories and is deleted afterwards."})
  static final class Storage implements Callable<Integer> {

    @Option(names = "--messages", description = "appends measured with group commit (default ${DEFAULT-VALUE})")
    int messages = 1_000_000;

    @Option(names = "--baseline-messages", description = "appends measured one per transaction (default ${DEFAULT-VALUE})")
    int baselineMessages = 2_000;

    @Option(names = "--store-messages", description = "messages in the history/search store (default ${DEFAULT-VALUE})")
    int storeMessages = 1_000_000;

    @Option(names = "--users", description = "users created through the batch API (default ${DEFAULT-VALUE})")
    int users = 100_000;

    @Override
    public Integer call() throws Exception {
      return new StorageBench(messages, baselineMessages, storeMessages, users).run();
    }
  }
}
