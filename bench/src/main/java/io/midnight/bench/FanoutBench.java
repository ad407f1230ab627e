package io.midnight.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code midnight bench fanout}: the same rising load, over Socket.IO WebSocket frames, against each target in
 * turn, each in its own process and alone while measured: Midnight ({@code midnight serve} on a temporary data
 * directory), the bare Vert.x broadcast server on every event loop (the ceiling without storage) and stock
 * socket.io under Node.js. The load client runs here, on its own event loops. With {@code --overload}, each target
 * is then asked for multiples of its capacity. Whatever happens, the servers it started are stopped: on return,
 * on failure and on Ctrl-C (a shutdown hook); killed outright, they stop when their standard input closes.
 */
public final class FanoutBench {

  private final FanoutOptions options;
  private final Path socketIoDir;

  public FanoutBench(FanoutOptions options, Path socketIoDir) {
    this.options = options;
    this.socketIoDir = socketIoDir != null ? socketIoDir : FanoutTarget.defaultSocketIoDir();
  }

  public int run() throws IOException {
    Vertx clients = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)
      .setEventLoopPoolSize(options.loadClients())).build();
    System.out.printf("Midnight fan-out benchmark: %d cores, Java %s, %s transport; %,d sockets in %d rooms "
        + "(%,.0f per room); load client on %d event loop(s) in this process (pid %d); targets %s, each in its own "
        + "process%n", CpuMeter.CORES, Runtime.version(), clients.isNativeTransportEnabled() ? "epoll" : "nio",
      options.conns(), options.rooms(), options.membersPerRoom(), options.loadClients(),
      ProcessHandle.current().pid(), options.targets().stream().map(t -> t.label).toList());
    if (!options.overload().enabled() || options.overload().capacity() == null) {
      System.out.printf("Steps of %d s at %s msgs/s in; in flight at most %,d per socket, %,d in all%n",
        options.stepSeconds(), rateList(), options.caps().perSocket(), options.caps().total());
    }
    Path root = Files.createTempDirectory("midnight-fanout-");
    Thread cleanup = new Thread(() -> cleanUp(clients, root), "fanout-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    long origin = System.nanoTime();
    Map<FanoutOptions.Target, TargetOutcome> outcomes = new LinkedHashMap<>();
    try {
      for (FanoutOptions.Target target : options.targets()) {
        outcomes.put(target, measure(clients, root, origin, target));
      }
      JsonObject report = new FanoutGoals(outcomes).print();
      printOverloadVerdicts(outcomes);
      if (options.json() != null) {
        Files.writeString(options.json(), json(outcomes, report).encodePrettily());
        System.out.println("  figures written to " + options.json());
      }
      return outcomes.values().stream().anyMatch(o -> o.status().equals("failed")) ? 1 : 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    } finally {
      cleanUp(clients, root);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // shutting down already: the hook cleans up too
      }
    }
  }

  private TargetOutcome measure(Vertx clients, Path root, long origin, FanoutOptions.Target which)
    throws InterruptedException {
    System.out.println();
    try (FanoutTarget target = start(clients, root, which)) {
      System.out.printf("%s on 127.0.0.1:%d (process %d, log %s)%n", target.name(), target.port(),
        target.process().pid(), target.process().log);
      try (FanoutRun run = new FanoutRun(clients, target, options, origin)) {
        run.connect();
        Double capacity = options.overload().capacity();
        List<StepResult> steps = options.overload().enabled() && capacity != null ? List.of() : run.climb();
        List<OverloadPhase> phases = new ArrayList<>();
        if (options.overload().enabled()) {
          if (capacity == null) {
            capacity = steps.stream().filter(StepResult::withinObjective).map(StepResult::deliveriesPerSecond)
              .max(Comparator.naturalOrder()).orElse(null);
            System.out.println(capacity == null ? "  " + target.name() + ": no step within the objective, so no "
              + "capacity to overload (give one with --capacity)"
              : String.format("  %s: capacity %,.0f deliveries/s (highest within the objective)", target.name(),
              capacity));
          }
          if (capacity != null) {
            phases = new OverloadRun(run, target, options).run(capacity);
          }
        }
        return TargetOutcome.measured(which, steps, capacity, phases);
      }
    } catch (FanoutTarget.Skipped e) {
      System.out.println(which.label + ": skipped: " + e.getMessage());
      return TargetOutcome.skipped(which, e.getMessage());
    } catch (IOException | RuntimeException e) {
      System.out.println(which.label + ": FAILED: " + e.getMessage());
      return TargetOutcome.failed(which, String.valueOf(e.getMessage()));
    }
  }

  private FanoutTarget start(Vertx clients, Path root, FanoutOptions.Target which)
    throws IOException, InterruptedException {
    return switch (which) {
      case midnight -> MidnightTarget.start(clients, root, options);
      case bare -> FanoutTarget.bare(root, options);
      case socketio -> FanoutTarget.socketIo(root, options, socketIoDir);
    };
  }

  private static void printOverloadVerdicts(Map<FanoutOptions.Target, TargetOutcome> outcomes) {
    for (TargetOutcome o : outcomes.values()) {
      for (OverloadPhase p : o.overload()) {
        System.out.printf("  %s overload at %.0fx: %s%n", o.target().label, p.factor(),
          p.met() ? "all goals met" : "goals NOT met (RSS " + OverloadPhase.metOrNot(p.rssMet()) + ", /health "
            + OverloadPhase.metOrNot(p.healthMet()) + ", goodput " + OverloadPhase.metOrNot(p.goodputMet())
            + ", lost/duplicated " + OverloadPhase.metOrNot(p.exactlyOnce()) + ")");
      }
    }
  }

  private JsonObject json(Map<FanoutOptions.Target, TargetOutcome> outcomes, JsonObject summary) {
    JsonObject targets = new JsonObject();
    outcomes.forEach((t, o) -> targets.put(t.name(), o.toJson()));
    return new JsonObject().put("conns", options.conns()).put("rooms", options.rooms())
      .put("stepSeconds", options.stepSeconds()).put("loadClients", options.loadClients())
      .put("bareEventLoops", options.bareLoops()).put("cores", CpuMeter.CORES)
      .put("java", Runtime.version().toString()).put("p99LimitMs", StepResult.P99_LIMIT_MS)
      .put("drainMs", FanoutRun.DRAIN_MS)
      .put("caps", new JsonObject().put("perSocket", options.caps().perSocket()).put("total", options.caps().total()))
      .put("overload", options.overload().enabled() ? new JsonObject().put("seconds", options.overload().seconds())
        .put("factors", new JsonArray(options.overload().factors())).put("capacityGiven", options.overload().capacity())
        .put("drainMs", OverloadRun.DRAIN_MS) : null)
      .put("targets", targets).mergeIn(summary);
  }

  private String rateList() {
    List<String> rates = new ArrayList<>();
    options.rates().forEach(r -> rates.add(String.format("%,.0f", r)));
    return String.join(", ", rates);
  }

  /** Stops the server under test, closes the client, deletes the temporary directory; safe to call twice. */
  private void cleanUp(Vertx clients, Path root) {
    TargetProcess.closeAll();
    clients.close().toCompletionStage().toCompletableFuture().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
      .exceptionally(e -> null).join();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // already deleted
    }
  }
}
