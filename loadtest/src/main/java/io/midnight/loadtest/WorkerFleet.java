package io.midnight.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Users in load worker processes ({@link LoadWorker}), coordinated over a control channel: a WebSocket that each
 * worker opens to this process (docs in {@code loadtest/README.md}, "Load workers"). Worker w of N holds users
 * [w * users / N, (w + 1) * users / N). Each second a worker ships what changed (counters, histograms, newly acked
 * seqs), which this process adds into its own {@link RunStats} and {@link RoomLedger}s; at the end this process
 * sends every worker the rooms' merged acks and adds up what each found. A worker whose channel closes before the
 * end died: the verdict says so and is never "verified".
 *
 * <p>Confined to the run's context (the control server's handlers run on it).
 */
final class WorkerFleet implements Fleet {

  /** The control channel's path on the main process's control port. */
  static final String PATH = "/load-workers";
  /** A local worker that has not said hello by then is reported as failing to start. */
  static final long HELLO_TIMEOUT_MILLIS = 60_000;
  /** Remote workers are started by hand: they get longer. */
  static final long REMOTE_HELLO_TIMEOUT_MILLIS = 600_000;
  /** Room for one message with every room's acked seqs or a worker's tokens. */
  static final int MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

  /** Starts local worker {@code index}, a process that connects to {@code control}. */
  interface Launcher {
    Process start(int index, String control) throws Exception;
  }

  /**
   * The launcher of this machine's workers: {@link LoadWorker} in a JVM like this one (same java, same class
   * path, the parallel collector), its output in {@code logDir/worker-<index>.log}.
   */
  static Launcher processes(Path logDir) {
    return (index, control) -> {
      Files.createDirectories(logDir);
      // the parallel collector: 17-32% less CPU than G1 for the same run (loadtest/README.md, "Figures")
      return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:+UseParallelGC", "-cp",
        System.getProperty("java.class.path"), LoadWorker.class.getName(), "--coordinator", control)
        .redirectErrorStream(true).redirectOutput(logDir.resolve("worker-" + index + ".log").toFile()).start();
    };
  }

  private final Context context;
  private final Vertx vertx;
  private final LoadRun run;
  private final int localWorkers;
  private final int remoteWorkers;
  private final String controlHost;
  private final int controlPort;
  private final Launcher launcher;
  private final JsonObject runSettings;
  private final Consumer<String> progress;
  /** Read by the live view's thread too. */
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final Promise<Void> allHello = Promise.promise();
  private final List<String> unverifiable = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private HttpServer server;
  private Future<Void> ready;
  private boolean closing;

  /**
   * {@code runSettings}: what every worker needs to know of the run (id, target, gateways, bounds), sent with its
   * users. {@code localWorkers} are started through {@code launcher}; {@code remoteWorkers} more are awaited on
   * {@code controlHost:controlPort} (port 0: any free one).
   */
  WorkerFleet(Context context, LoadRun run, int localWorkers, int remoteWorkers, String controlHost, int controlPort,
              Launcher launcher, JsonObject runSettings, Consumer<String> progress) {
    if (localWorkers + remoteWorkers < 1) {
      throw new IllegalArgumentException("a worker fleet needs at least one worker");
    }
    this.context = context;
    this.vertx = context.owner();
    this.run = run;
    this.localWorkers = localWorkers;
    this.remoteWorkers = remoteWorkers;
    this.controlHost = controlHost;
    this.controlPort = controlPort;
    this.launcher = launcher;
    this.runSettings = runSettings;
    this.progress = progress;
  }

  /** One worker as this process sees it. */
  private final class Worker {
    final int index;
    final ServerWebSocket socket;
    final long pid;
    int from;
    int to;
    int connected;
    long unsettled;
    int created;
    int peak;
    long joined;
    double cpuSeconds;
    String died;
    boolean closed;
    Promise<Void> connectDone = Promise.promise();
    Promise<Void> flushed;
    Promise<Outcome> verified;

    Worker(int index, ServerWebSocket socket, long pid) {
      this.index = index;
      this.socket = socket;
      this.pid = pid;
    }

    void send(JsonObject message) {
      sendText(message.encode());
    }

    void sendText(String message) {
      if (died == null && !closed) {
        socket.writeTextMessage(message);
      }
    }

    void onMessage(JsonObject message) {
      switch (message.getString("type")) {
        case "tick" -> onTick(message);
        case "connected" -> {
          peak = message.getInteger("peak", 0);
          connectDone.tryComplete();
        }
        case "flushed" -> flushed.tryComplete();
        case "verified" -> verified.tryComplete(outcome(message.getJsonObject("outcome")));
        case "closed" -> closed = true;
        case "failed" -> died("failed: " + message.getString("message"));
        default -> { } // a newer worker's extra news: nothing this process needs
      }
    }

    void onTick(JsonObject tick) {
      JsonObject delta = tick.getJsonObject("stats");
      JsonObject counts = delta.getJsonObject("counts");
      connected += counts.getInteger("connected", 0);
      joined += counts.getLong("joined", 0L);
      run.stats().absorb(delta);
      for (Object taken : tick.getJsonArray("rooms", new JsonArray())) {
        JsonObject room = (JsonObject) taken;
        ledger(room.getLong("room")).absorb(room);
      }
      unsettled = tick.getLong("unsettled", 0L);
      created = tick.getInteger("created", created);
      cpuSeconds = tick.getDouble("cpuSeconds", cpuSeconds);
    }

    /** The channel is gone before the end, or the worker said it failed: its users cannot be verified. */
    void died(String how) {
      if (died != null || closed) {
        return;
      }
      died = String.format("load worker %d (process %d, users %,d-%,d) %s", index, pid, from, Math.max(from, to - 1),
        how);
      unverifiable.add(died);
      run.stats().forget(connected);
      connected = 0;
      unsettled = 0;
      connectDone.tryComplete();
      if (flushed != null) {
        flushed.tryComplete();
      }
      if (verified != null) {
        verified.tryComplete(null);
      }
      allHello.tryFail(died);
    }

    JsonObject describe() {
      return new JsonObject().put("worker", index).put("pid", pid).put("firstUser", from).put("users", to - from)
        .put("joined", joined).put("cpuSeconds", Math.round(cpuSeconds * 10) / 10.0)
        .put("state", died != null ? died : "finished");
    }
  }

  /** The run's rooms by id: every worker's tick names up to all of them, each second. */
  private Map<Long, RoomLedger> rooms = Map.of();

  private RoomLedger ledger(long roomId) {
    RoomLedger room = rooms.get(roomId);
    if (room == null) {
      throw new IllegalArgumentException("a worker reported room " + roomId + ", which is not in this run");
    }
    return room;
  }

  private static Outcome outcome(JsonObject json) {
    List<Verification.RoomTally> tallies = json.getJsonArray("rooms").stream()
      .map(t -> Verification.RoomTally.fromJson((JsonObject) t)).toList();
    return new Outcome(tallies, json.getLong("everJoined"), json.getLong("reconnects"));
  }

  static JsonObject toJson(Outcome outcome) {
    return new JsonObject().put("rooms", new JsonArray(outcome.rooms().stream().map(Verification.RoomTally::toJson)
      .toList())).put("everJoined", outcome.everJoined()).put("reconnects", outcome.reconnects());
  }

  /** The control URL workers connect to, once the control server listens. */
  String controlUrl() {
    String host = controlHost.contains(":") ? "[" + controlHost + "]" : controlHost;
    return "ws://" + host + ":" + server.actualPort() + PATH;
  }

  @Override
  public synchronized Future<Void> ready() {
    if (ready == null) {
      ready = listen().compose(v -> {
        if (remoteWorkers > 0) {
          progress.accept(String.format("  waiting for %d load worker(s): on each machine run "
            + "'midnight load-worker --coordinator %s'", remoteWorkers, controlUrl()));
        }
        for (int i = 0; i < localWorkers; i++) {
          try {
            Process process = launcher.start(i, controlUrl());
            processes.add(process);
            process.onExit().thenRun(() -> context.runOnContext(x -> {
              if (!allHello.future().isComplete()) {
                allHello.tryFail("a load worker process (" + process.pid() + ") ended before it said hello, exit code "
                  + process.exitValue());
              }
            }));
          } catch (Exception e) {
            return Future.failedFuture("could not start load worker " + i + ": " + e.getMessage());
          }
        }
        long wait = remoteWorkers > 0 ? REMOTE_HELLO_TIMEOUT_MILLIS : HELLO_TIMEOUT_MILLIS;
        long timer = vertx.setTimer(wait, t -> allHello.tryFail(String.format(
          "%d of %d load workers said hello within %d s (control channel %s)", workers.size(),
          localWorkers + remoteWorkers, TimeUnit.MILLISECONDS.toSeconds(wait), controlUrl())));
        return allHello.future().onComplete(ar -> vertx.cancelTimer(timer));
      });
    }
    return ready;
  }

  private Future<Void> listen() {
    server = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketMessageSize(MAX_MESSAGE_BYTES)
      .setMaxWebSocketFrameSize(1024 * 1024));
    server.webSocketHandler(socket -> {
      if (!PATH.equals(socket.path())) {
        socket.close((short) 1008, "not the load workers' control channel");
        return;
      }
      socket.textMessageHandler(text -> {
        JsonObject message = new JsonObject(text);
        Worker worker = byId(socket);
        if (worker == null) {
          onHello(socket, message);
        } else {
          worker.onMessage(message);
        }
      });
      socket.closeHandler(v -> {
        Worker worker = byId(socket);
        if (worker != null && !closing) {
          worker.died("ended: its control channel closed");
        }
      });
    });
    return server.listen(controlPort, controlHost).mapEmpty();
  }

  private Worker byId(ServerWebSocket socket) {
    for (Worker worker : workers) {
      if (worker.socket == socket) {
        return worker;
      }
    }
    return null;
  }

  private void onHello(ServerWebSocket socket, JsonObject hello) {
    int expected = localWorkers + remoteWorkers;
    if (!"hello".equals(hello.getString("type")) || workers.size() >= expected) {
      socket.close((short) 1008, workers.size() >= expected ? "this run has all its workers" : "say hello first");
      return;
    }
    workers.add(new Worker(workers.size(), socket, hello.getLong("pid", -1L)));
    if (workers.size() == expected) {
      allHello.tryComplete();
    }
  }

  @Override
  public Future<Void> connect(List<String> tokens, List<RoomLedger> rooms, ConnectPace pace, SendPlan plan) {
    this.rooms = rooms.stream().collect(Collectors.toMap(r -> r.roomId, r -> r));
    if (plan != null) {
      run.follow(plan); // this process's figures: the burst window, the give-up time the drain waits for
    }
    int users = tokens.size();
    JsonArray roomList = new JsonArray(rooms.stream().map(r -> new JsonObject().put("id", r.roomId)
      .put("name", r.name).put("baseSeq", r.baseSeq())).toList());
    for (int u = 0; u < users; u++) {
      rooms.get(u % rooms.size()).member();
    }
    for (Worker worker : workers) {
      worker.from = (int) ((long) worker.index * users / workers.size());
      worker.to = (int) ((long) (worker.index + 1) * users / workers.size());
    }
    // a worker's tokens are megabytes of JSON: encoded off the event loop, which would stall for seconds
    Future<List<String>> encoded = vertx.executeBlocking(() -> workers.stream().map(worker -> {
      JsonObject settings = runSettings.copy().put("totalUsers", users).put("from", worker.from).put("to", worker.to);
      // the run's connect window is shared: N workers with the whole window each would put N times it in flight
      settings.put("connectWindow", Math.max(1, settings.getInteger("connectWindow") / workers.size()));
      return new JsonObject().put("type", "connect").put("run", settings)
        .put("tokens", new JsonArray(new ArrayList<Object>(tokens.subList(worker.from, worker.to))))
        .put("rooms", roomList)
        .put("pace", pace == null ? null : pace.toJson())
        .put("plan", plan == null ? null : plan.toJson()).encode();
    }).toList());
    List<Future<Void>> done = new ArrayList<>();
    for (Worker worker : workers) {
      done.add(worker.connectDone.future());
    }
    encoded.onSuccess(messages -> {
      for (int i = 0; i < workers.size(); i++) {
        workers.get(i).sendText(messages.get(i));
      }
    }).onFailure(e -> workers.forEach(w -> w.died("could not be sent its users: " + e.getMessage())));
    return Future.join(done).mapEmpty();
  }

  @Override
  public void startSending(SendPlan plan) {
    run.follow(plan);
    workers.forEach(w -> w.send(new JsonObject().put("type", "send").put("plan", plan.toJson())));
  }

  @Override
  public void requestStop() {
    workers.forEach(w -> w.send(new JsonObject().put("type", "stop")));
  }

  @Override
  public int created() {
    return workers.stream().mapToInt(w -> w.created).sum();
  }

  @Override
  public int connectPeak() {
    return workers.stream().mapToInt(w -> w.peak).sum();
  }

  @Override
  public long unsettled() {
    return workers.stream().mapToLong(w -> w.unsettled).sum();
  }

  /**
   * Two rounds: every worker ships what it has not yet (so this process holds every ack), then each checks its
   * users against the merged acks.
   */
  @Override
  public Future<Outcome> verify(List<RoomLedger> rooms) {
    return all(w -> {
      w.flushed = Promise.promise();
      if (w.died != null) {
        w.flushed.complete(); // nothing more comes from it
      }
      w.send(new JsonObject().put("type", "flush"));
      return w.flushed.future();
    }).compose(v -> {
      String verify = new JsonObject().put("type", "verify")
        .put("acked", new JsonArray(rooms.stream().map(r -> (Object) Bits.encode(r.ackedSeqs())).toList())).encode();
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (Worker w : workers) {
        w.verified = Promise.promise();
        if (w.died != null) {
          w.verified.complete(null); // said in unverifiable()
        }
        w.sendText(verify); // encoded once for all workers
        outcomes.add(w.verified.future());
      }
      return Future.join(outcomes).map(all -> {
        List<Verification.RoomTally> sum = new ArrayList<>(rooms.stream().map(r -> Verification.RoomTally.NONE)
          .toList());
        long everJoined = 0;
        long reconnects = 0;
        for (Future<Outcome> f : outcomes) {
          Outcome o = f.result();
          if (o == null) {
            continue; // a worker that died: said in unverifiable()
          }
          for (int r = 0; r < sum.size(); r++) {
            sum.set(r, sum.get(r).plus(o.rooms().get(r)));
          }
          everJoined += o.everJoined();
          reconnects += o.reconnects();
        }
        return new Outcome(sum, everJoined, reconnects);
      });
    });
  }

  private Future<Void> all(Function<Worker, Future<Void>> step) {
    return Future.join(workers.stream().map(step).toList()).mapEmpty();
  }

  @Override
  public List<String> unverifiable() {
    return List.copyOf(unverifiable);
  }

  @Override
  public JsonArray workers() {
    return new JsonArray(workers.stream().map(Worker::describe).toList());
  }

  @Override
  public double workerCpuSeconds() {
    return workers.stream().mapToDouble(w -> w.cpuSeconds).sum();
  }

  /** Asks every worker to close its users and end; a local worker still there after 30 s is killed. */
  @Override
  public Future<Void> close() {
    closing = true;
    List<Future<Void>> ended = new ArrayList<>();
    for (Worker w : workers) {
      w.send(new JsonObject().put("type", "close"));
    }
    for (Process process : processes) {
      Promise<Void> gone = Promise.promise();
      process.onExit().thenRun(() -> context.runOnContext(v -> gone.tryComplete()));
      long timer = vertx.setTimer(30_000, t -> {
        process.destroyForcibly();
        gone.tryComplete();
      });
      ended.add(gone.future().onComplete(v -> vertx.cancelTimer(timer)));
    }
    return Future.join(ended).eventually(() -> server == null ? Future.succeededFuture() : server.close())
      .mapEmpty();
  }
}
