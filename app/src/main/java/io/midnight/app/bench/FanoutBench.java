package io.midnight.app.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code midnight bench fanout}: the same rising load, over Socket.IO WebSocket frames, first against Midnight (all
 * verticles in this JVM on a temporary data directory) and then against {@link BareBroadcastServer}, the ceiling
 * without storage. Servers and load clients run on separate Vert.x instances; the summary compares the highest
 * deliveries/s each reached with ack and end-to-end p99 within 50 ms.
 */
public final class FanoutBench {

  /** Midnight's share of the bare server's deliveries/s that the issue asks for. */
  static final double GOAL_RATIO = 0.6;

  private final FanoutOptions options;
  private final int loadClients;
  private volatile FanoutTarget current;

  public FanoutBench(FanoutOptions options) {
    this.options = options;
    this.loadClients = options.loadClients();
  }

  public int run() throws IOException, InterruptedException {
    Vertx clients = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)
      .setEventLoopPoolSize(loadClients)).build();
    System.out.printf("Midnight fan-out benchmark: %d cores, Java %s, %s transport; %,d sockets in %d rooms "
        + "(%,d per room), %d load-client event loop(s), steps of %d s at %s msgs/s in%n",
      Runtime.getRuntime().availableProcessors(), Runtime.version(),
      clients.isNativeTransportEnabled() ? "epoll" : "nio", options.conns(), options.rooms(),
      options.conns() / options.rooms(), loadClients, options.stepSeconds(), rateList());
    Path root = Files.createTempDirectory("midnight-fanout-");
    Thread cleanup = new Thread(() -> cleanUp(clients, root), "fanout-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    long origin = System.nanoTime();
    try {
      Optional<List<StepResult>> midnight = options.targets() == FanoutOptions.Targets.bare ? Optional.empty()
        : measure(clients, origin, () -> MidnightTarget.start(root.resolve("midnight"), options.conns(),
        options.rooms()));
      Optional<List<StepResult>> bare = options.targets() == FanoutOptions.Targets.midnight ? Optional.empty()
        : measure(clients, origin, () -> FanoutTarget.bare(options.conns(), options.rooms()));
      JsonObject report = summary(midnight, bare);
      if (options.json() != null) {
        Files.writeString(options.json(), report.encodePrettily());
        System.out.println("  figures written to " + options.json());
      }
      boolean failed = options.targets() != FanoutOptions.Targets.bare && midnight.isEmpty()
        || options.targets() != FanoutOptions.Targets.midnight && bare.isEmpty();
      return failed ? 1 : 0;
    } finally {
      cleanUp(clients, root);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // shutting down already: the hook cleans up too
      }
    }
  }

  private Optional<List<StepResult>> measure(Vertx clients, long origin, Supplier<FanoutTarget> start)
    throws InterruptedException {
    System.out.println();
    try (FanoutTarget target = start.get()) {
      current = target;
      System.out.printf("%s on 127.0.0.1:%d%n", target.name(), target.port());
      return Optional.of(new FanoutRun(clients, target, options, origin, loadClients).run());
    } catch (RuntimeException e) {
      System.out.println("  FAILED: " + e.getMessage());
      return Optional.empty();
    } finally {
      current = null;
    }
  }

  private JsonObject summary(Optional<List<StepResult>> midnight, Optional<List<StepResult>> bare) {
    Optional<StepResult> bestMidnight = midnight.flatMap(FanoutBench::best);
    Optional<StepResult> bestBare = bare.flatMap(FanoutBench::best);
    System.out.printf("%nSummary: highest deliveries/s with ack and end-to-end p99 <= %.0f ms, nothing lost%n",
      StepResult.P99_LIMIT_MS);
    System.out.println("  Midnight: " + describe(midnight, bestMidnight, FanoutOptions.Targets.bare));
    System.out.println("  bare:     " + describe(bare, bestBare, FanoutOptions.Targets.midnight));
    Double ratio = null;
    if (bestMidnight.isPresent() && bestBare.isPresent()) {
      ratio = bestMidnight.get().deliveriesPerSecond() / bestBare.get().deliveriesPerSecond();
      System.out.printf("  Midnight / bare: %.2fx (goal >= %.1fx: %s)%n", ratio, GOAL_RATIO,
        ratio >= GOAL_RATIO ? "met" : "NOT met");
    } else {
      System.out.println("  Midnight / bare: no ratio (a side has no step within the objective)");
    }
    return new JsonObject().put("conns", options.conns()).put("rooms", options.rooms())
      .put("stepSeconds", options.stepSeconds()).put("loadClients", loadClients)
      .put("cores", Runtime.getRuntime().availableProcessors()).put("java", Runtime.version().toString())
      .put("p99LimitMs", StepResult.P99_LIMIT_MS)
      .put("midnight", targetJson(midnight, bestMidnight)).put("bare", targetJson(bare, bestBare))
      .put("ratio", ratio).put("goalRatio", GOAL_RATIO).put("goalMet", ratio != null && ratio >= GOAL_RATIO);
  }

  private static Optional<StepResult> best(List<StepResult> steps) {
    return steps.stream().filter(StepResult::withinObjective)
      .max(Comparator.comparingDouble(StepResult::deliveriesPerSecond));
  }

  private String describe(Optional<List<StepResult>> steps, Optional<StepResult> best, FanoutOptions.Targets only) {
    if (steps.isEmpty()) {
      return options.targets() == only ? "not measured (--target " + only + ")" : "run failed";
    }
    return best.map(b -> String.format("%,.0f deliveries/s (%,.0f msgs/s in; ack p99 %.2f ms, e2e p99 %.2f ms)",
      b.deliveriesPerSecond(), b.inboundPerSecond(), b.ackP99(), b.endToEndP99())).orElse("no step within the objective");
  }

  private static JsonObject targetJson(Optional<List<StepResult>> steps, Optional<StepResult> best) {
    JsonArray list = new JsonArray();
    steps.ifPresent(s -> s.forEach(r -> list.add(r.toJson())));
    return new JsonObject().put("completed", steps.isPresent()).put("steps", list)
      .put("maxDeliveriesPerSecond", best.map(StepResult::deliveriesPerSecond).orElse(null))
      .put("atInboundPerSecond", best.map(StepResult::inboundPerSecond).orElse(null));
  }

  private String rateList() {
    List<String> rates = new ArrayList<>();
    options.rates().forEach(r -> rates.add(String.format("%,.0f", r)));
    return String.join(", ", rates);
  }

  /** Closes what may still be open and deletes the temporary directory; safe to call twice. */
  private void cleanUp(Vertx clients, Path root) {
    FanoutTarget target = current;
    if (target != null) {
      target.close();
    }
    FanoutTarget.closeQuietly(clients);
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // already deleted
    }
  }
}
