package io.midnight.app;

import io.midnight.app.bench.FanoutBench;
import io.midnight.app.bench.FanoutOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code midnight bench ...}: benchmarks that report throughput against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
  description = "Run a benchmark and print its figures.",
  subcommands = {BenchCommand.Storage.class, BenchCommand.Fanout.class, IdleBenchCommand.class})
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
      "directories (or databases, with --postgres) and is deleted afterwards."})
  static final class Storage implements Callable<Integer> {

    @Option(names = "--messages", description = "appends measured with group commit (default ${DEFAULT-VALUE})")
    int messages = 1_000_000;

    @Option(names = "--baseline-messages", description = "appends measured one per transaction (default ${DEFAULT-VALUE})")
    int baselineMessages = 2_000;

    @Option(names = "--store-messages", description = "messages in the history/search store (default ${DEFAULT-VALUE})")
    int storeMessages = 1_000_000;

    @Option(names = "--users", description = "users created through the batch API (default ${DEFAULT-VALUE})")
    int users = 100_000;

    @Option(names = "--postgres", paramLabel = "URL", description = {"measure the PostgreSQL backend instead: each "
      + "phase creates a database through URL", "(e.g. postgresql://postgres@127.0.0.1:5432/postgres) and drops it "
      + "afterwards; adds a bare-INSERT ceiling"})
    String postgres;

    @Override
    public Integer call() throws Exception {
      return new StorageBench(messages, baselineMessages, storeMessages, users, postgres).run();
    }
  }

  @Command(name = "fanout", mixinStandardHelpOptions = true,
    description = {"Socket.IO fan-out: Midnight against a bare broadcast server, at rising rates.",
      "--conns WebSocket clients in --rooms rooms send messages (raw Engine.IO v4 /",
      "Socket.IO v5 frames) in steps of --step-seconds, from --start-rate msgs/s up,",
      "x1.5 and x4/3 in turn, until ack or end-to-end p99 passes 50 ms twice or the",
      "rate is not reached; two more steps narrow the limit down. First against",
      "Midnight (in this JVM, temporary data directory), then against a bare Vert.x",
      "WebSocket broadcast server without storage: the ceiling. Per step: msgs/s in,",
      "deliveries/s, ack and end-to-end latency p50/p99 (HdrHistogram, from the",
      "intended send time); then the best deliveries/s of each and their ratio."})
  static final class Fanout implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--conns", description = "WebSocket clients (default ${DEFAULT-VALUE})")
    int conns = 1_000;

    @Option(names = "--rooms", description = "rooms the clients are spread over (default ${DEFAULT-VALUE})")
    int rooms = 10;

    @Option(names = "--step-seconds", description = "seconds of sending per step (default ${DEFAULT-VALUE})")
    int stepSeconds = 5;

    @Option(names = "--start-rate", description = "msgs/s in of the first step (default: 10,000 deliveries/s worth)")
    Integer startRate;

    @Option(names = "--max-rate", description = "highest msgs/s in tried (default ${DEFAULT-VALUE})")
    int maxRate = 64_000;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures to FILE as JSON")
    Path json;

    @Option(names = "--target", description = "both, midnight or bare (default ${DEFAULT-VALUE})")
    FanoutOptions.Targets target = FanoutOptions.Targets.both;

    @Option(names = "--load-clients", description = "event loops driving the sockets (default ${DEFAULT-VALUE})")
    int loadClients = 1;

    @Override
    public Integer call() throws Exception {
      FanoutOptions options;
      try {
        options = new FanoutOptions(conns, rooms, stepSeconds,
          startRate != null ? startRate : FanoutOptions.defaultStartRate(conns, rooms), maxRate, json, target,
          loadClients);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      return new FanoutBench(options).run();
    }
  }
}
