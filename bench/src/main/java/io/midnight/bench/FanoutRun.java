package io.midnight.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * Drives one target: spreads the sockets over one {@link SocketIoLoadClient} per client event loop, connects and
 * joins them, then runs steps. {@link #climb} runs an uncounted warm-up, then rising rates until one misses the
 * latency objective (run once more, so that a passing disturbance such as a GC pause or another process does not
 * end the climb); then {@value #REFINE_STEPS} steps halve the gap between the last rate within the objective and
 * the first missed; then the climb goes on while the steps drain (one that does not is run once more). Before each
 * step it waits
 * (bounded) for other processes to leave the cores alone. A step sends for its duration, prints a progress line
 * every second, then waits (bounded) for the last acks and deliveries before its figures are taken.
 */
final class FanoutRun implements AutoCloseable {

  static final long DRAIN_MS = 10_000;
  private static final long SETUP_TIMEOUT_S = 300;
  private static final long START_DELAY_NANOS = 100_000_000L;
  private static final int REFINE_STEPS = 2;
  private static final int QUIET_WAIT_S = 60;
  private static final double QUIET_OTHERS_PERCENT = 15;
  /** A server busier than this (percent of one core) is still working off the previous step. */
  private static final double QUIET_SERVER_PERCENT = 25;

  private final Vertx clients;
  private final FanoutTarget target;
  private final FanoutOptions options;
  private final long origin;
  private final List<SocketIoLoadClient> drivers = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private final CpuMeter cpu;
  private int steps;

  FanoutRun(Vertx clients, FanoutTarget target, FanoutOptions options, long origin) {
    this.clients = clients;
    this.target = target;
    this.options = options;
    this.origin = origin;
    this.cpu = new CpuMeter(target.process());
  }

  /** Deploys the load clients, connects and joins every socket. */
  void connect() {
    long t0 = System.nanoTime();
    List<List<LoadSocket>> shares = shares();
    for (int c = 0; c < shares.size(); c++) {
      SocketIoLoadClient driver = new SocketIoLoadClient(target.port(), shares.get(c), origin, c, shares.size(),
        options.caps());
      deployments.add(await(clients.deployVerticle(driver), 30));
      drivers.add(driver);
    }
    await(Future.all(drivers.stream().map(SocketIoLoadClient::connectAll).toList()), SETUP_TIMEOUT_S);
    System.out.printf("  %s: %,d sockets connected and joined to %d rooms in %.1f s (%d client event loop(s))%n",
      target.name(), options.conns(), options.rooms(), (System.nanoTime() - t0) / 1e9, drivers.size());
  }

  List<StepResult> climb() throws InterruptedException {
    StepResult warmUp = step(0, options.startRate() / 2.0);
    System.out.printf("  %s: warm-up at %,.0f msgs/s (not counted): %s%n", target.name(), warmUp.targetRate(),
      warmUp.verdict());
    List<StepResult> results = new ArrayList<>();
    System.out.println(StepResult.header());
    List<Double> rates = new ArrayList<>(options.rates());
    int next = 0;
    double passed = 0;
    double missed = 0;
    boolean drained = true;
    while (next < rates.size()) {
      double rate = rates.get(next++);
      StepResult result = attempt(rate, results, true);
      if (!result.withinObjective()) {
        missed = rate;
        drained = result.drained();
        break;
      }
      passed = rate;
    }
    // narrow the objective's limit down while every socket is still healthy, then climb on for the highest rate
    // that still drains: a step that does not drain may leave sockets closed as slow consumers
    for (int i = 0; i < REFINE_STEPS && drained && passed > 0 && missed > passed; i++) {
      double between = Math.round((passed + missed) / 2);
      if (between <= passed || between >= missed) {
        break;
      }
      System.out.printf("       between %,.0f and %,.0f msgs/s:%n", passed, missed);
      if (attempt(between, results, true).withinObjective()) {
        passed = between;
      } else {
        missed = between;
      }
    }
    while (drained && next < rates.size()) {
      drained = attempt(rates.get(next++), results, false).drained();
    }
    return results;
  }

  /**
   * Runs a step at {@code rate}, and once more when it did not drain (or, with {@code confirmMiss}, missed the
   * objective); the better of the two.
   */
  private StepResult attempt(double rate, List<StepResult> results, boolean confirmMiss) throws InterruptedException {
    StepResult result = null;
    for (int tries = 1; tries <= 2; tries++) {
      result = step(++steps, rate);
      results.add(result);
      System.out.println(result.row());
      if (result.withinObjective() || (result.drained() && !confirmMiss)) {
        return result;
      }
      if (result.firstError() != null) {
        System.out.println("       first error: " + result.firstError());
      }
      if (tries == 1) {
        System.out.printf("       step %d again, once, in case that was a passing disturbance%n", steps);
      }
    }
    StepResult previous = results.get(results.size() - 2);
    return previous.drained() && !result.drained() ? previous : result;
  }

  /** A step id not used yet on this target (the overload phases continue the numbering). */
  int nextStepId() {
    return ++steps;
  }

  private StepResult step(int id, double rate) throws InterruptedException {
    return run(id, rate, options.stepSeconds(), DRAIN_MS, second -> { });
  }

  /**
   * Sends {@code rate} msgs/s for {@code seconds}, calling {@code everySecond} after each second of sending, then
   * waits up to {@code drainMs} for what is owed.
   */
  StepResult run(int id, double rate, int seconds, long drainMs, IntConsumer everySecond)
    throws InterruptedException {
    awaitQuiet();
    long durationNanos = seconds * 1_000_000_000L;
    long start = now() + START_DELAY_NANOS;
    for (int d = 0; d < drivers.size(); d++) {
      long phase = (long) (d * 1e9 / rate);
      await(drivers.get(d).startStep(id, rate, start + phase, durationNanos), 30);
    }
    sleepUntil(start);
    cpu.reset();
    double serverStart = target.process().cpuSeconds();
    for (int second = 1; second <= seconds; second++) {
      sleepUntil(start + second * 1_000_000_000L);
      StepStats s = merged(false);
      System.out.printf("    %s %s %,.0f msgs/s, %d/%d s: sent %,d, acked %,d, refused %,d, delivered %,d of %,d%s%n",
        target.name(), id == 0 ? "warm-up" : "step " + id, rate, second, seconds, s.sent, s.acked, s.refusals,
        s.delivered, s.expectedDeliveries, s.capped > 0 ? String.format(", not sent (client cap) %,d", s.capped) : "");
      everySecond.accept(second);
    }
    CpuMeter.Use used = cpu.read();
    long drainUntil = now() + drainMs * 1_000_000L;
    while (now() < drainUntil && !merged(false).drained()) {
      Thread.sleep(50);
    }
    double serverEnd = target.process().cpuSeconds();
    return StepResult.of(id, rate, start, durationNanos, merged(true), used,
      serverStart < 0 || serverEnd < 0 ? -1 : serverEnd - serverStart);
  }

  /** Socket {@code i} joins room {@code i mod rooms} and belongs to load client {@code i mod loadClients}. */
  private List<List<LoadSocket>> shares() {
    List<Integer> roomIds = target.roomIds();
    int[] members = new int[roomIds.size()];
    for (int i = 0; i < options.conns(); i++) {
      members[i % members.length]++;
    }
    List<List<LoadSocket>> shares = new ArrayList<>();
    for (int c = 0; c < options.loadClients(); c++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < options.conns(); i++) {
      int r = i % members.length;
      shares.get(i % options.loadClients()).add(new LoadSocket(String.format("b%05d", i + 1),
        target.tokens().get(i), roomIds.get(r), members[r]));
    }
    return shares;
  }

  /**
   * Waits, at most {@value #QUIET_WAIT_S} s, until processes other than the client and the server use less than
   * {@value #QUIET_OTHERS_PERCENT}% of the machine and the server has worked off what a previous step left it, so
   * that a step measures this load and not its neighbours or its predecessor.
   */
  private void awaitQuiet() throws InterruptedException {
    for (int second = 0; second < QUIET_WAIT_S; second++) {
      cpu.reset();
      Thread.sleep(1_000);
      CpuMeter.Use use = cpu.read();
      if (use.others() < QUIET_OTHERS_PERCENT && use.server() < QUIET_SERVER_PERCENT) {
        return;
      }
      if (second == 0) {
        System.out.printf("       (others use %.0f%% of the machine, the server %.0f%% of a core: waiting up to %d s)%n",
          use.others(), use.server(), QUIET_WAIT_S);
      }
    }
  }

  private StepStats merged(boolean full) {
    StepStats total = null;
    for (SocketIoLoadClient driver : drivers) {
      StepStats s = await(driver.snapshot(full), 30);
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

  /** Undeploys the load clients (closing their sockets). */
  @Override
  public void close() {
    for (String id : deployments) {
      try {
        await(clients.undeploy(id), 60);
      } catch (RuntimeException e) {
        System.out.println("  (closing load client: " + e.getMessage() + ")");
      }
    }
    deployments.clear();
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
