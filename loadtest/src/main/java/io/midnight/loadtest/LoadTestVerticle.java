package io.midnight.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Plans and runs one load test against a Midnight server: creates the users through the batch API, finds or
 * creates the rooms, deploys one {@link ClientVerticle} per user (connect, join), sends on an open schedule,
 * drains (every send acked or given up, every delivery in), stops the clients, and verifies: every acked message
 * reached every member of its room once and in order, and the server stored as many messages as it acked.
 * {@link #report()} completes with the run's report (the schema of {@code report.json}).
 */
public final class LoadTestVerticle extends VerticleBase {

  /** Well under one source address's ~28,000 ephemeral ports, leaving room for other traffic and TIME_WAIT. */
  private static final int USERS_PER_SOURCE_ADDRESS = 20_000;
  private static final long PROGRESS_MILLIS = 2_000;
  public static final int DEFAULT_CONNECT_WINDOW = ConnectWindow.DEFAULT_SIZE;
  public static final int DEFAULT_MAX_IN_FLIGHT = LoadRun.DEFAULT_MAX_IN_FLIGHT;

  private final Preset preset;
  private final Countdown countdown;
  private final JsonObject midnight = new JsonObject();
  private final URI target;
  private List<URI> gateways;
  private final Consumer<String> progress;
  private final Promise<JsonObject> report = Promise.promise();
  private final String runId = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
  private final Map<String, Double> phases = new LinkedHashMap<>();
  private final List<RoomLedger> rooms = new ArrayList<>();
  private volatile boolean stopWanted;
  private HttpClient http;
  private volatile Fleet fleet;
  private List<String> sourceAddresses = List.of();
  private Workers workers;
  private int usersPerSource = USERS_PER_SOURCE_ADDRESS;
  private int connectWindow = DEFAULT_CONNECT_WINDOW;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private volatile long connectStartNanos;
  private volatile long connectEndNanos;
  private volatile int connectJoined;
  private Target api;
  private volatile LoadRun run;
  private volatile long startedNanos;
  private double startCpuSeconds;
  /** This process's CPU seconds when sending could begin: the rest is what sending, receiving and verifying cost. */
  private double sendingCpuSeconds = -1;
  private volatile String phase = "starting";
  private volatile boolean plainProgress = true;
  private final ClientLimits limits = new ClientLimits();
  private int minHeld = Integer.MAX_VALUE;

  public LoadTestVerticle(Preset preset, URI target, Consumer<String> progress) {
    this(preset, Countdown.DEFAULT, target, progress);
  }

  /** {@code countdown} shapes a {@link Preset.Kind#MIDNIGHT} run and is ignored by the others. */
  public LoadTestVerticle(Preset preset, Countdown countdown, URI target, Consumer<String> progress) {
    // the duration counts from the start of sending: before the countdown, or from 00:00 after a connect storm
    int sendingBeforeZero = countdown.storm() ? 0 : countdown.countdownSeconds();
    if (preset.kind() == Preset.Kind.MIDNIGHT && sendingBeforeZero + countdown.windowSeconds() > preset.durationSeconds()) {
      throw new IllegalArgumentException("the countdown (" + sendingBeforeZero + " s of sending) and the burst window ("
        + countdown.windowSeconds() + " s) must fit in the duration (" + preset.durationSeconds() + " s)");
    }
    this.preset = preset;
    this.countdown = countdown;
    this.target = target;
    this.progress = progress;
  }

  /** Whether a plain progress line goes to the progress sink every 2 s (off when a live view draws instead). */
  public LoadTestVerticle plainProgress(boolean on) {
    this.plainProgress = on;
    return this;
  }

  /**
   * Spreads the users' sockets over several gateways of one cluster (user i on {@code gateways[i % n]}); the
   * target still answers the API calls. By default every socket goes to the target.
   */
  public LoadTestVerticle gateways(List<URI> gateways) {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("name at least one gateway");
    }
    this.gateways = List.copyOf(gateways);
    return this;
  }

  /**
   * Users per source address against a loopback target: user n connects from 127.0.0.(1 + n / perAddress), so
   * a run can hold more sockets than one address has ephemeral ports. Other targets use one address.
   */
  public LoadTestVerticle usersPerSourceAddress(int perAddress) {
    if (perAddress < 1) {
      throw new IllegalArgumentException("users per source address must be at least 1; got " + perAddress);
    }
    this.usersPerSource = perAddress;
    return this;
  }

  /**
   * Runs the users in load worker processes instead of this one (the report and live view stay this process's):
   * for more users than one process's open files allow, or to use more cores than one JVM's clients do.
   */
  public LoadTestVerticle workers(Workers workers) {
    this.workers = workers;
    return this;
  }

  /** Connects and joins in flight at once (default 500): the next user starts as soon as one is in. */
  public LoadTestVerticle connectWindow(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("the connect window must be at least 1; got " + size);
    }
    this.connectWindow = size;
    return this;
  }

  /**
   * Unsettled sends per client (default 32, under the server's 64 per session): a send due while its client has
   * that many out is skipped and counted, so an overloaded server cannot grow this process's memory.
   */
  public LoadTestVerticle maxInFlight(int perClient) {
    if (perClient < 1) {
      throw new IllegalArgumentException("messages in flight per client must be at least 1; got " + perClient);
    }
    this.maxInFlight = perClient;
    return this;
  }

  /** A snapshot for a live view: phase, elapsed seconds, counts and the last second's rate and ack p99. */
  public JsonObject progress() {
    RunStats s = run == null ? null : run.stats();
    JsonObject out = new JsonObject().put("phase", phase).put("seconds", startedNanos == 0 ? 0 : seconds())
      .put("users", preset.users()).put("durationSeconds", preset.durationSeconds())
      .put("kind", preset.kind().name().toLowerCase());
    if (s != null) {
      JsonObject last = s.lastTick();
      Fleet users = fleet; // set just after the run: a live view may ask in between
      out.put("created", users == null ? 0 : users.created()).put("connected", s.connected.get()).put("joined", s.joined.get())
        .put("sent", s.sent.sum()).put("acked", s.acked.sum()).put("delivered", s.delivered.sum())
        .put("retries", s.retries.sum()).put("errors", s.errorCount())
        .put("refused", s.refused.sum()).put("skippedClientCap", s.skippedClientCap.sum())
        .put("writeQueueFull", s.writeQueueFull.sum())
        .put("connectPerSecond", connectPerSecond())
        .put("sentPerSecond", last == null ? 0 : last.getLong("sent"))
        .put("ackP99", last == null ? 0.0 : last.getDouble("ackP99"));
    }
    return out;
  }

  public String runId() {
    return runId;
  }

  public Preset preset() {
    return preset;
  }

  /**
   * Ends the run early (thread-safe): no more connect waves, no new sends; what was sent is still drained and
   * verified, so the report stays true for the shorter run.
   */
  public void requestStop() {
    stopWanted = true;
    LoadRun current = run;
    if (current != null && !current.stopRequested()) {
      current.requestStop();
      fleet.requestStop();
      progress.accept("  stop requested: no more sends; draining and verifying what was sent");
    }
  }


  /** The report once the run is over; fails when the run could not be carried out. */
  public Future<JsonObject> report() {
    return report.future();
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    List<URI> sockets = gateways != null ? gateways : List.of(target);
    if (workers != null) {
      run = new LoadRun(runId, sockets, List.of(), 0, 1, maxInFlight); // stats, stop and deadlines: no sockets here
      fleet = workerFleet(sockets);
    } else {
      LocalFleet local = LocalFleet.open(context, runId, target, sockets, preset.users(), 0, preset.users(),
        usersPerSource, maxInFlight, connectWindow);
      run = local.run();
      sourceAddresses = local.sourceAddresses();
      fleet = local;
    }
    if (stopWanted) {
      run.requestStop();
      fleet.requestStop();
    }
    startedNanos = System.nanoTime();
    startCpuSeconds = cpuNow();
    long ticker = vertx.setPeriodic(1_000, t -> {
      run.stats().tick(seconds());
      limits.check(run.usersPerClient());
    });
    long printer = vertx.setPeriodic(PROGRESS_MILLIS, t -> {
      if (plainProgress) {
        progress.accept(progressLine());
      }
    });
    progress.accept(String.format("run %s: %s, %,d users in %d rooms for %d s at %s msgs/s per user against %s", runId,
      preset.name(), preset.users(), preset.rooms(), preset.durationSeconds(),
      BigDecimal.valueOf(preset.ratePerUser()).stripTrailingZeros().toPlainString(), target));
    LoadAdvice.lines(preset, countdown).forEach(line -> progress.accept("  " + line));
    Target.detect(vertx, http, target, runId)
      .compose(found -> {
        api = found;
        progress.accept("  target: " + found.describe());
        return timed("users", this::createUsers);
      })
      .compose(tokens -> timed("rooms", () -> api.rooms(preset.rooms()).map(rooms::addAll)).map(tokens))
      .compose(tokens -> preset.kind() == Preset.Kind.MIDNIGHT && countdown.storm() ? stormThenSend(tokens)
        : timed("connect", () -> connectAll(tokens, null, null)).compose(v -> preset.kind() == Preset.Kind.CONNECTIONS
          ? timed("hold", this::hold).compose(v2 -> timed("verify", this::verifyConnections))
          : timed("send", () -> sendAll(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), true))
            .compose(v2 -> timed("drain", this::drain)).compose(v2 -> timed("verify", this::verify))))
      .eventually(() -> {
        vertx.cancelTimer(ticker);
        vertx.cancelTimer(printer);
        return stopClients();
      })
      .onComplete(report);
    return Future.succeededFuture();
  }

  /** Users in load worker processes, which start now, while the users are created. */
  private Fleet workerFleet(List<URI> sockets) {
    Path logs = Path.of(System.getProperty("java.io.tmpdir"), "midnight-workers-" + runId);
    JsonObject settings = new JsonObject().put("runId", runId).put("target", target.toString())
      .put("gateways", new JsonArray(sockets.stream().map(URI::toString).toList()))
      .put("usersPerSource", usersPerSource).put("maxInFlight", maxInFlight).put("connectWindow", connectWindow);
    WorkerFleet workerFleet = new WorkerFleet(context, run, workers.local(), workers.remote(), workers.controlHost(),
      workers.controlPort(), WorkerFleet.processes(logs), settings, progress);
    progress.accept(String.format("  load workers: %d on this machine%s (logs in %s)", workers.local(),
      workers.remote() > 0 ? String.format(", %d to join", workers.remote()) : "", logs));
    workerFleet.ready();
    return workerFleet;
  }

  private double seconds() {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private <T> Future<T> timed(String name, Supplier<Future<T>> step) {
    phase = name;
    long start = System.nanoTime();
    return step.get().onComplete(ar -> phases.put(name, Math.round((System.nanoTime() - start) / 1e7) / 100.0));
  }

  private String progressLine() {
    RunStats s = run.stats();
    return String.format("  [%6.1f s] %-8s users %,d  connected %,d  joined %,d (%,d/s)  sent %,d  acked %,d"
        + "  delivered %,d  retries %,d  refused %,d  skipped %,d  errors %,d", seconds(), phase, fleet.created(),
      s.connected.get(), s.joined.get(), connectPerSecond(), s.sent.sum(), s.acked.sum(), s.delivered.sum(),
      s.retries.sum(), s.refused.sum(), s.skippedClientCap.sum(), s.errorCount());
  }

  // ---- phases ----

  private Future<List<String>> createUsers() {
    List<String> names = new ArrayList<>(preset.users());
    for (int i = 0; i < preset.users(); i++) {
      names.add("lt" + runId + "-" + i);
    }
    return api.users(names);
  }

  /**
   * A midnight with a connect storm: the countdown starts now, the users connect evenly over its last
   * {@code connectStormSeconds} seconds, and sending starts at 00:00, each user's as soon as it has joined (a user
   * still connecting at 00:00 sends what was due at once, its latency counted from when it was due).
   */
  private Future<JsonObject> stormThenSend(List<String> tokens) {
    long zero = System.nanoTime() + TimeUnit.SECONDS.toNanos(countdown.countdownSeconds());
    long stormStart = zero - TimeUnit.SECONDS.toNanos(countdown.connectStormSeconds());
    long stormNanos = zero - stormStart;
    long end = zero + TimeUnit.SECONDS.toNanos(preset.durationSeconds());
    SendPlan plan = plan(zero, zero, tokens.size());
    countDown(zero, zero + TimeUnit.SECONDS.toNanos(countdown.windowSeconds()));
    progress.accept(String.format("  the users connect in the last %d s before 00:00", countdown.connectStormSeconds()));
    return timed("wait", () -> waitUntil(() -> System.nanoTime() >= stormStart || run.stopRequested(), Long.MAX_VALUE))
      .compose(v -> {
        sendingCpuSeconds = cpuNow(); // a user sends as soon as it is in
        return timed("connect", () -> connectAll(tokens, new ConnectPace(stormStart, stormNanos, tokens.size()), plan));
      })
      .compose(v -> timed("send", () -> waitUntil(() -> System.nanoTime() >= end || run.stopRequested(),
        Long.MAX_VALUE)))
      .compose(v -> timed("drain", this::drain)).compose(v -> timed("verify", this::verify));
  }

  /**
   * Connects and joins every user, paced when {@code pace} is given, each sending on {@code plan} as soon as it
   * joined when a plan is given; users that never get in are left out.
   */
  private Future<Void> connectAll(List<String> tokens, ConnectPace pace, SendPlan plan) {
    Future<Void> all = fleet.ready().compose(v -> {
      connectStartNanos = System.nanoTime(); // not the workers' start
      return fleet.connect(tokens, rooms, pace, plan);
    }).onComplete(v -> {
      connectJoined = run.stats().joined.get();
      connectEndNanos = System.nanoTime();
    });
    return all.compose(v -> {
      int joined = run.stats().joined.get();
      if (joined == 0) {
        return Future.failedFuture("no user could connect and join: does " + target
          + " speak the chat events (loadtest/README.md)?");
      }
      if (joined < tokens.size()) {
        progress.accept(String.format("  %,d of %,d users could not connect or join; the run goes on without them",
          tokens.size() - joined, tokens.size()));
      }
      return Future.succeededFuture();
    });
  }

  /** Joins a second over the connect phase so far (or all of it once it is over); 0 before it starts. */
  private long connectPerSecond() {
    long start = connectStartNanos;
    if (start == 0 || run == null) {
      return 0;
    }
    long end = connectEndNanos;
    int joined = end != 0 ? connectJoined : run.stats().joined.get();
    return Math.round(joined / Math.max(0.001, ((end != 0 ? end : System.nanoTime()) - start) / 1e9));
  }

  /**
   * Sends from {@code first} for the duration. A midnight's 00:00 is {@code countdownSeconds} after {@code first}
   * when {@code countingDown} (the countdown is shown from now), else at {@code first} (it was shown already).
   */
  private Future<Void> sendAll(long first, boolean countingDown) {
    sendingCpuSeconds = cpuNow();
    long burstStart = first + (countingDown ? TimeUnit.SECONDS.toNanos(countdown.countdownSeconds()) : 0);
    fleet.startSending(plan(first, burstStart, preset.users()));
    if (preset.kind() == Preset.Kind.MIDNIGHT && countingDown) {
      countDown(burstStart, burstStart + TimeUnit.SECONDS.toNanos(countdown.windowSeconds()));
    }
    long end = first + TimeUnit.SECONDS.toNanos(preset.durationSeconds());
    return waitUntil(() -> System.nanoTime() >= end || run.stopRequested(), Long.MAX_VALUE);
  }

  /**
   * Every user's send times for a run whose sending starts at {@code first} and lasts the duration; a midnight's
   * burst window opens at {@code burstStart}. The fleet makes the run follow it (its give-up time, the burst).
   */
  private SendPlan plan(long first, long burstStart, int users) {
    long end = first + TimeUnit.SECONDS.toNanos(preset.durationSeconds());
    return preset.kind() == Preset.Kind.MIDNIGHT
      ? SendPlan.midnight(first, end, preset.ratePerUser(), users, burstStart,
        burstStart + TimeUnit.SECONDS.toNanos(countdown.windowSeconds()), countdown.greetings(), runId.hashCode())
      : SendPlan.steady(first, end, preset.ratePerUser(), users);
  }

  /** Shows the countdown and marks 00:00 and the end of the window. */
  private void countDown(long burstStart, long burstEnd) {
    long timer = vertx.setPeriodic(1_000, t -> {
      long left = TimeUnit.NANOSECONDS.toSeconds(burstStart - System.nanoTime() + 999_999_999);
      if (left > 0) {
        progress.accept(String.format("  ⏳ 00:00 in %d s", left));
      }
    });
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(burstStart - System.nanoTime())), t -> {
      vertx.cancelTimer(timer);
      midnight.put("burstStartT", Math.round(seconds() * 10) / 10.0);
      progress.accept(String.format("  🎆 00:00 Happy New Year! every user sends %d greeting(s) within %d s",
        countdown.greetings(), countdown.windowSeconds()));
    });
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(burstEnd - System.nanoTime())), t ->
      midnight.put("burstEndT", Math.round(seconds() * 10) / 10.0).put("sentByBurstEnd", run.stats().sent.sum()));
  }

  /** Keeps every connection open for the duration, watching how many stay up. */
  private Future<Void> hold() {
    long end = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(preset.durationSeconds());
    return waitUntil(() -> {
      minHeld = Math.min(minHeld, run.stats().connected.get());
      return run.stopRequested();
    }, end);
  }

  /**
   * Until every send is acked or given up, then until the deliveries stop coming (each wait bounded: a send is
   * given up at the latest after its attempts or after the run's give-up time plus its last ack timeout).
   */
  private Future<Void> drain() {
    long untilGiveUp = TimeUnit.NANOSECONDS.toMillis(Math.max(0, run.giveUpNanos() - System.nanoTime()))
      + LoadRun.ackTimeoutMillis(LoadRun.SEND_ATTEMPTS);
    long ackDeadline = System.currentTimeMillis() + Math.min(LoadRun.maxSettleMillis(), untilGiveUp) + 5_000;
    return waitUntil(() -> fleet.unsettled() <= 0, ackDeadline)
      .compose(v -> {
        long[] last = {-1, System.currentTimeMillis()};
        long deadline = System.currentTimeMillis() + 30_000;
        return waitUntil(() -> {
          long delivered = run.stats().delivered.sum();
          if (delivered >= expectedDeliveries()) {
            return true;
          }
          if (delivered != last[0]) {
            last[0] = delivered;
            last[1] = System.currentTimeMillis();
          }
          return System.currentTimeMillis() - last[1] > 3_000;
        }, deadline);
      });
  }

  private long expectedDeliveries() {
    long expected = 0;
    for (RoomLedger room : rooms) {
      expected += (long) room.ackedSeqs().cardinality() * room.members();
    }
    return expected;
  }

  /**
   * Polls {@code done} every 100 ms until it holds or the deadline passes. One periodic timer and one promise: a
   * chain of a future per poll would complete thousands deep at the end of a long phase and overflow the stack.
   */
  private Future<Void> waitUntil(BooleanSupplier done, long deadlineMillis) {
    if (done.getAsBoolean() || System.currentTimeMillis() > deadlineMillis) {
      return Future.succeededFuture();
    }
    Promise<Void> finished = Promise.promise();
    vertx.setPeriodic(100, timer -> {
      if (done.getAsBoolean() || System.currentTimeMillis() > deadlineMillis) {
        vertx.cancelTimer(timer);
        finished.tryComplete();
      }
    });
    return finished.future();
  }

  private Future<Void> stopClients() {
    Future<Void> closed = fleet == null ? Future.succeededFuture() : fleet.close();
    return closed.recover(e -> Future.succeededFuture()).eventually(() -> http.close());
  }

  // ---- verification and report ----

  private Future<JsonObject> verify() {
    // a store that cannot answer (e.g. still working off an overload) leaves its rooms unchecked, said in the
    // verdict; the deliveries are verified all the same and the report is written
    List<String> storeErrors = new ArrayList<>();
    List<Future<Long>> stored = rooms.stream().map(room -> api.lastSeq(room).recover(e -> {
      storeErrors.add(e.getMessage());
      return Future.succeededFuture(null);
    })).toList();
    return fleet.verify(rooms).compose(outcome -> Future.all(stored).map(all -> buildReport(outcome,
      Verification.ofDelivery(rooms, outcome.rooms(), stored.stream().map(Future::result).toList(),
        run.stats().sent.sum(), storeErrors.isEmpty() ? null : storeErrors.get(0), fleet.unverifiable()))));
  }

  private Future<JsonObject> verifyConnections() {
    int joined = run.stats().joined.get();
    int held = minHeld == Integer.MAX_VALUE ? 0 : minHeld;
    return fleet.verify(rooms).map(outcome -> {
      JsonObject report = buildReport(outcome, Verification.ofConnections(preset.users(), joined, held,
        preset.durationSeconds(), fleet.unverifiable()));
      report.put("connections", new JsonObject().put("attempted", preset.users()).put("joined", joined)
        .put("minHeld", held).put("connectPerSecond", phases.containsKey("connect") && phases.get("connect") > 0
          ? Math.round(joined / phases.get("connect")) : joined));
      return report;
    });
  }

  private JsonObject runConfig() {
    JsonObject config = new JsonObject().put("users", preset.users()).put("rooms", preset.rooms())
      .put("durationSeconds", preset.durationSeconds()).put("ratePerUser", preset.ratePerUser())
      .put("connectWindow", connectWindow).put("maxInFlightPerClient", maxInFlight);
    if (!sourceAddresses.isEmpty()) {
      config.put("sourceAddresses", new JsonArray(new ArrayList<>(sourceAddresses)));
    }
    if (gateways != null) {
      config.put("gateways", new JsonArray(gateways.stream().map(URI::toString).toList()));
    }
    return config;
  }

  /**
   * What the load generator itself cost: CPU seconds of this process over the run (the server's too when it runs
   * in this JVM), the sockets it held, and the work done per CPU second.
   */
  private JsonObject client(RunStats s) {
    double cpu = cpuNow() - startCpuSeconds;
    JsonObject out = new JsonObject().put("processors", Runtime.getRuntime().availableProcessors())
      .put("workers", workers == null ? 0 : workers.total())
      .put("collectors", String.join(", ", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).toList()))
      .put("socketsHeld", s.joined.get()).put("sourceAddresses", Math.max(1, sourceAddresses.size()));
    if (startCpuSeconds >= 0 && cpu > 0) {
      out.put("cpuSeconds", Math.round(cpu * 10) / 10.0)
        .put("sentPerCpuSecond", Math.round(s.sent.sum() / cpu))
        .put("deliveriesPerCpuSecond", Math.round(s.delivered.sum() / cpu));
    }
    double sending = cpuNow() - sendingCpuSeconds;
    if (sendingCpuSeconds >= 0 && sending > 0) {
      // without the start (users, the connect phase before sending, most of the JIT's work)
      out.put("cpuSecondsFromFirstSend", Math.round(sending * 10) / 10.0)
        .put("deliveriesPerCpuSecondFromFirstSend", Math.round(s.delivered.sum() / sending));
    }
    return out;
  }

  /** CPU seconds this process and its load workers used so far. */
  private double cpuNow() {
    return ClientLimits.cpuSeconds() + (fleet == null ? 0 : fleet.workerCpuSeconds());
  }

  /** The connect phase: how long connecting and joining every user took, and at what rate. */
  private JsonObject connectSummary() {
    double secs = connectEndNanos == 0 ? 0 : (connectEndNanos - connectStartNanos) / 1e9;
    return new JsonObject().put("seconds", Math.round(secs * 100) / 100.0).put("joined", connectJoined)
      .put("joinsPerSecond", connectPerSecond()).put("window", connectWindow).put("peakInFlight", fleet.connectPeak());
  }

  /** The limits this run hit, beside those of {@link ClientLimits}. */
  private List<String> warnings(RunStats s) {
    List<String> all = new ArrayList<>(limits.warnings());
    if (s.skippedClientCap.sum() > 0) {
      all.add(String.format("%,d sends skipped: their client already had %d unsettled (the server is past what it "
        + "answers in time)", s.skippedClientCap.sum(), maxInFlight));
    }
    if (s.writeQueueFull.sum() > 0) {
      all.add(String.format("%,d writes held back: a socket's write queue was full (the server was not reading)",
        s.writeQueueFull.sum()));
    }
    return all;
  }

  /** The highest one-second count of {@code field} in the timeline. */
  private static long peak(JsonArray timeline, String field) {
    return timeline.stream().mapToLong(p -> ((JsonObject) p).getLong(field, 0L)).max().orElse(0);
  }

  private JsonObject buildReport(Fleet.Outcome outcome, JsonObject verification) {
    RunStats s = run.stats();
    // one last point for what came since the last whole second (a fleet's verify gathered its workers' last
    // figures first), so that the timeline adds up to the totals
    s.tick(seconds());
    JsonArray phaseList = new JsonArray();
    phases.forEach((name, secs) -> phaseList.add(new JsonObject().put("name", name).put("seconds", secs)));
    return new JsonObject()
      .put("preset", preset.name())
      .put("target", target.toString())
      .put("runId", runId)
      .put("startedAt", Instant.now().minusNanos(System.nanoTime() - startedNanos).toString())
      .put("durationSeconds", Math.round(seconds() * 10) / 10.0)
      .put("kind", preset.kind().name().toLowerCase())
      .put("midnight", preset.kind() == Preset.Kind.MIDNIGHT ? midnight.copy()
        .put("countdownSeconds", countdown.countdownSeconds()).put("windowSeconds", countdown.windowSeconds())
        .put("greetings", countdown.greetings()).put("connectStormSeconds", countdown.connectStormSeconds())
        .mergeIn(s.burst(rooms))
        .put("peakDeliveriesPerSecond", peak(s.timeline(), "delivered")) : null)
      .put("warnings", new JsonArray(warnings(s)))
      .put("client", client(s))
      .put("workers", fleet.workers())
      .put("config", runConfig())
      .put("phases", phaseList)
      .put("connect", connectSummary())
      .put("totals", new JsonObject()
        .put("users", preset.users())
        .put("connected", outcome.everJoined())
        .put("reconnects", outcome.reconnects())
        .put("sent", s.sent.sum())
        .put("acked", s.acked.sum())
        .put("retries", s.retries.sum())
        .put("refused", s.refused.sum())
        .put("skippedClientCap", s.skippedClientCap.sum())
        .put("writeQueueFull", s.writeQueueFull.sum())
        .put("delivered", s.delivered.sum())
        .put("expectedDeliveries", expectedDeliveries())
        .put("errors", s.errors()))
      .put("latency", s.latency())
      .put("timeline", s.timeline())
      .put("verification", verification);
  }
}
