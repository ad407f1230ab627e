package io.midnight.app;

import io.midnight.bench.BareServer;
import io.midnight.bench.FanoutBench;
import io.midnight.bench.FanoutOptions;
import io.midnight.bench.StorageBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code midnight bench ...}: benchmarks that report throughput against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
  description = "Run a benchmark and print its figures.",
  subcommands = {BenchCommand.Storage.class, BenchCommand.Fanout.class, IdleBenchCommand.class,
    BenchCommand.BareServerCommand.class})
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
      return new StorageBench(MidnightNode.vertx(), (vertx, flags) -> MidnightNode.config(vertx, null, flags)
        .compose(config -> MidnightNode.deployAll(vertx, config)).map(MidnightNode.Deployed::port),
        messages, baselineMessages, storeMessages, users, postgres).run();
    }
  }

  @Command(name = "fanout", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Socket.IO fan-out of Midnight, a bare broadcast server and socket.io.",
      "Each target is started by the bench in its own process and measured alone,",
      "with the same client and rooms:",
      "  midnight  'midnight serve' (this jar, this JVM), temporary data directory",
      "  bare      'midnight bench bare-server' on every event loop: no storage,",
      "            no auth; the ceiling",
      "  socketio  node bench/socketio-node/server.js after 'npm ci' (skipped,",
      "            saying why, when Node.js is missing)",
      "The load client runs here on --load-clients event loops: --conns sockets",
      "in --rooms rooms send open-loop (raw Engine.IO v4 / Socket.IO v5 frames)",
      "in steps of --step-seconds from --start-rate msgs/s up, x1.5 and x4/3 in",
      "turn, while the steps drain; two more steps narrow the latency limit down.",
      "An ack with error 'unavailable' is resent after its retryAfterMs with the",
      "same clientMsgId.",
      "Per step: msgs/s asked and achieved, deliveries/s, ack and end-to-end",
      "p50/p99 (ms, from the intended send time), deliveries lost, server and",
      "client CPU (%% of one core), server CPU seconds per million deliveries.",
      "Summary: per target the highest deliveries/s with e2e p99 <= 50 ms and",
      "nothing lost, and the highest that still drained; Midnight's ratios to",
      "bare and socket.io; the goals of issue 11, 'met' or 'NOT met'.",
      "--overload: each target's capacity (found by the steps, or --capacity),",
      "then 2x and 4x it for --overload-seconds each: goodput, refusals, server",
      "RSS, /health latency every second, lost and duplicated deliveries, against",
      "RSS <= 1 GB, /health within 1 s, goodput >= 0.9x capacity, 0 lost and 0",
      "duplicated. With --overload the targets default to midnight alone.",
      "Columns and goals: bench/README.md.",
      ""})
  static final class Fanout implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--targets", paramLabel = "LIST", description = {"which servers, in order: midnight, bare, "
      + "socketio (default: all three; midnight with --overload)"})
    String targets;

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

    @Option(names = "--load-clients", paramLabel = "N", description = "client event loops (default: one per core)")
    Integer loadClients;

    @Option(names = "--bare-loops", paramLabel = "N", description = "the bare server's event loops (default: one "
      + "per core)")
    Integer bareLoops;

    @Option(names = "--max-in-flight-per-socket", paramLabel = "N", description = {"messages a socket may have "
      + "waiting for an ack, retries included (default ${DEFAULT-VALUE}: Midnight refuses more with rate_limited);",
      "more are counted 'not sent (client cap)'"})
    int maxInFlightPerSocket = 64;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "the same for the whole client "
      + "(default ${DEFAULT-VALUE})")
    int maxInFlight = 50_000;

    @Option(names = "--server-java-opts", paramLabel = "OPTS", description = "JVM options for the Java targets, "
      + "e.g. \"-Xmx1g\" (default none)")
    String serverJavaOpts;

    @Option(names = "--socketio-dir", paramLabel = "DIR", description = "where server.js is (default: "
      + "bench/socketio-node of this checkout)")
    Path socketIoDir;

    @Option(names = "--overload", description = "ask multiples of each target's capacity (see above)")
    boolean overload;

    @Option(names = "--capacity", paramLabel = "DELIVERIES_PER_S", description = "with --overload: the capacity "
      + "to multiply, instead of finding it with the steps")
    Double capacity;

    @Option(names = "--overload-seconds", description = "seconds of each overload phase (default ${DEFAULT-VALUE})")
    int overloadSeconds = 60;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures to FILE as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
      FanoutOptions options;
      try {
        options = options();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      return new FanoutBench(options, socketIoDir).run();
    }

    FanoutOptions options() {
      int cores = Runtime.getRuntime().availableProcessors();
      List<FanoutOptions.Target> chosen = targets != null ? FanoutOptions.Target.parse(targets)
        : overload ? List.of(FanoutOptions.Target.midnight) : List.of(FanoutOptions.Target.values());
      List<String> javaOptions = serverJavaOpts == null || serverJavaOpts.isBlank() ? List.of()
        : List.of(serverJavaOpts.trim().split("\\s+"));
      return new FanoutOptions(conns, rooms, stepSeconds,
        startRate != null ? startRate : FanoutOptions.defaultStartRate(conns, rooms), maxRate, json, chosen,
        loadClients != null ? loadClients : Math.min(cores, conns), bareLoops != null ? bareLoops : cores,
        new FanoutOptions.Caps(maxInFlightPerSocket, maxInFlight),
        new FanoutOptions.Overload(overload, capacity, overloadSeconds, List.of(2.0, 4.0)), javaOptions);
    }
  }

  /** The bench's bare broadcast server in a process of its own; started by {@code bench fanout}, not by people. */
  @Command(name = "bare-server", hidden = true, mixinStandardHelpOptions = true,
    description = "The bare Vert.x WebSocket broadcast server of 'bench fanout', on 127.0.0.1.")
  static final class BareServerCommand implements Callable<Integer> {

    @Option(names = "--port", required = true, description = "port to listen on")
    int port;

    @Option(names = "--event-loops", description = "event loops, one server instance each (default: one per core)")
    Integer eventLoops;

    @Option(names = "--exit-with-parent", description = "stop when standard input closes")
    boolean exitWithParent;

    @Override
    public Integer call() throws Exception {
      return BareServer.run(port, eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors(),
        exitWithParent);
    }
  }
}
