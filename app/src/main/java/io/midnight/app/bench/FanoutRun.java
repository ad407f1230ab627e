package io.midnight.app.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives one target: spreads the sockets over one {@link SocketIoLoadClient} per client event loop, connects and
 * joins them, runs an uncounted warm-up, then the rising steps until one falls outside the objective twice in a
 * row (a failed step is run once more, so that a passing disturbance such as a GC pause or another process does
 * not end the climb); then {@value #REFINE_STEPS} steps halve the gap between the last rate met and the first
 * missed. Before each step it waits (bounded) for other processes to leave the cores alone. Each step sends for its
 * duration, prints a progress line every second, then waits (bounded)
 * for the last acks and deliveries before its figures are taken.
 */
final class FanoutRun {

  private static final long DRAIN_MS = 10_000;
  private static final long SETUP_TIMEOUT_S = 300;
  private static final long START_DELAY_NANOS = 100_000_000L;
  private static final int REFINE_STEPS = 2;
  private static final int QUIET_WAIT_S = 60;
  private static final double QUIET_OTHERS_PERCENT = 15;

  private final Vertx clients;
  private final FanoutTarget target;
  private final FanoutOptions options;
  private final long origin;
  private final int loadClients;
  private final List<SocketIoLoadClient> drivers = new ArrayList<>();
  private final CpuMeter cpu = new CpuMeter();
  private int steps;

  FanoutRun(Vertx clients, FanoutTarget target, FanoutOptions options, long origin, int loadClients) {
    this.clients = clients;
    this.target = target;
    this.options = options;
    this.origin = origin;
    this.loadClients = loadClients;
  }

  List<StepResult> run() throws InterruptedException {
    List<String> deployments = new ArrayList<>();
    try {
      long t0 = System.nanoTime();
      for (List<LoadSocket> share : shares()) {
        SocketIoLoadClient driver = new SocketIoLoadClient(target.port(), share, origin);
        deployments.add(await(clients.deployVerticle(driver), 30));
        drivers.add(driver);
      }
      await(Future.all(drivers.stream().map(SocketIoLoadClient::connectAll).toList()), SETUP_TIMEOUT_S);
      System.out.printf("  %s: %,d sockets connected and joined to %d rooms in %.1f s%n", target.name(),
        options.conns(), options.rooms(), (System.nanoTime() - t0) / 1e9);

      StepResult warmUp = step(0, options.startRate() / 2.0);
      System.out.printf("  %s: warm-up at %,.0f msgs/s (not counted): %s%n", target.name(), warmUp.targetRate(),
        warmUp.verdict());
      List<StepResult> results = new ArrayList<>();
      System.out.println(StepResult.header());
      double passed = 0;
      double failed = 0;
      for (double rate : options.rates()) {
        if (!attempt(rate, results)) {
          failed = rate;
          break;
        }
        passed = rate;
      }
      for (int i = 0; i < REFINE_STEPS && passed > 0 && failed > 0; i++) {
        double between = Math.round((passed + failed) / 2);
        if (between <= passed || between >= failed) {
          break;
        }
        System.out.printf("       between %,.0f and %,.0f msgs/s:%n", passed, failed);
        if (attempt(between, results)) {
          passed = between;
        } else {
          failed = between;
        }
      }
      return results;
    } finally {
      for (String id : deployments) {
        try {
          await(clients.undeploy(id), 60);
        } catch (RuntimeException e) {
          System.out.println("  (closing load client: " + e.getMessage() + ")");
        }
      }
    }
  }

  /** Runs a step at {@code rate}, and once more when it misses the objective; true when one of them met it. */
  private boolean attempt(double rate, List<StepResult> results) throws InterruptedException {
    for (int tries = 1; tries <= 2; tries++) {
      StepResult result = step(++steps, rate);
      results.add(result);
      System.out.println(result.row());
      if (result.withinObjective()) {
        return true;
      }
      if (result.firstError() != null) {
        System.out.println("       first error: " + result.firstError());
      }
      if (tries == 1) {
        System.out.printf("       step %d again, once, in case that was a passing disturbance%n", steps);
      }
    }
    return false;
  }

  /** Socket {@code i} joins room {@code i mod rooms} and belongs to load client {@code i mod loadClients}. */
  private List<List<LoadSocket>> shares() {
    List<Integer> roomIds = target.roomIds();
    int[] members = new int[roomIds.size()];
    for (int i = 0; i < options.conns(); i++) {
      members[i % members.length]++;
    }
    List<List<LoadSocket>> shares = new ArrayList<>();
    for (int c = 0; c < loadClients; c++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < options.conns(); i++) {
      int r = i % members.length;
      shares.get(i % loadClients).add(new LoadSocket(String.format("b%05d", i + 1), target.tokens().get(i),
        roomIds.get(r), members[r]));
    }
    return shares;
  }

  /**
   * Waits, at most {@value #QUIET_WAIT_S} s, until other processes use less than {@value #QUIET_OTHERS_PERCENT}%
   * of the machine, so that a step measures this process and not its neighbours (the machine may be shared).
   */
  private void awaitQuiet() throws InterruptedException {
    for (int second = 0; second < QUIET_WAIT_S; second++) {
      cpu.reset();
      Thread.sleep(1_000);
      CpuMeter.Use use = cpu.read();
      double others = use.machine() - use.process();
      if (use.machine() < 0 || others < QUIET_OTHERS_PERCENT) {
        return;
      }
      if (second == 0) {
        System.out.printf("       (other processes use %.0f%% of the machine: waiting up to %d s for them)%n",
          others, QUIET_WAIT_S);
      }
    }
  }

  private StepResult step(int id, double rate) throws InterruptedException {
    awaitQuiet();
    long durationNanos = options.stepSeconds() * 1_000_000_000L;
    long start = now() + START_DELAY_NANOS;
    for (int d = 0; d < drivers.size(); d++) {
      long phase = (long) (d * 1e9 / rate);
      await(drivers.get(d).startStep(id, rate / drivers.size(), start + phase, durationNanos), 30);
    }
    sleepUntil(start);
    cpu.reset();
    for (int second = 1; second <= options.stepSeconds(); second++) {
      sleepUntil(start + second * 1_000_000_000L);
      StepStats s = merged(false);
      System.out.printf("    %s %s %,.0f msgs/s, %d/%d s: sent %,d, acked %,d, delivered %,d of %,d%s%n",
        target.name(), id == 0 ? "warm-up" : "step " + id, rate, second, options.stepSeconds(), s.sent, s.acked,
        s.delivered, s.expectedDeliveries, s.skipped > 0 ? String.format(", skipped %,d", s.skipped) : "");
    }
    CpuMeter.Use used = cpu.read();
    long drainUntil = now() + DRAIN_MS * 1_000_000L;
    while (now() < drainUntil && !merged(false).drained()) {
      Thread.sleep(50);
    }
    return StepResult.of(id, rate, start, durationNanos, merged(true), used);
  }

  private StepStats merged(boolean withHistograms) {
    StepStats total = null;
    for (SocketIoLoadClient driver : drivers) {
      StepStats s = await(driver.snapshot(withHistograms), 30);
      total = total == null ? s : total.add(s);
    }
    return total;
  }

  private long now() {
    return System.nanoTime() - origin;
  }

  private void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - now();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + seconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
