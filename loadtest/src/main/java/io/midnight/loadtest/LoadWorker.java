package io.midnight.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.BitSet;
import java.util.List;

/**
 * A load worker: a process that holds a slice of a run's users for the main process ({@link WorkerFleet}). It
 * opens the control channel, says hello, and then does what it is told: connect its users (with their tokens,
 * rooms and plan), send, stop, flush, verify its users against the merged acks, close. Each second it ships what
 * changed. When the channel closes it ends: a worker never outlives its run.
 */
public final class LoadWorker extends VerticleBase {

  static final int CONNECT_ATTEMPTS = 30;

  private final String control;
  private final Promise<Void> ended = Promise.promise();
  private WebSocketClient client;
  private WebSocket socket;
  private LocalFleet fleet;
  private List<RoomLedger> rooms;
  private long ticker = -1;

  public LoadWorker(String control) {
    this.control = control;
  }

  /** Completes when the worker's run is over or its control channel closed. */
  public Future<Void> ended() {
    return ended.future();
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxMessageSize(WorkerFleet.MAX_MESSAGE_BYTES).setMaxFrameSize(1024 * 1024));
    return connect(1);
  }

  /**
   * Opens the control channel; a main process too busy to finish the handshake (it is creating the users while
   * a dozen JVMs start) is tried again, up to {@value #CONNECT_ATTEMPTS} times a second apart.
   */
  private Future<WebSocket> connect(int attempt) {
    return client.connect(new WebSocketConnectOptions().setAbsoluteURI(control))
      .recover(e -> {
        if (attempt >= CONNECT_ATTEMPTS) {
          return Future.failedFuture("no control channel at " + control + " after " + attempt + " attempts: "
            + e.getMessage());
        }
        Promise<WebSocket> later = Promise.promise();
        vertx.setTimer(1_000, t -> connect(attempt + 1).onComplete(later));
        return later.future();
      })
      .onSuccess(ws -> {
        socket = ws;
        ws.textMessageHandler(text -> {
          try {
            onMessage(new JsonObject(text));
          } catch (RuntimeException e) {
            send(new JsonObject().put("type", "failed").put("message", String.valueOf(e.getMessage())));
          }
        });
        ws.closeHandler(v -> ended.tryComplete());
        send(new JsonObject().put("type", "hello").put("pid", ProcessHandle.current().pid())
          .put("processors", Runtime.getRuntime().availableProcessors()));
      });
  }

  private void send(JsonObject message) {
    if (socket != null && !socket.isClosed()) {
      socket.writeTextMessage(message.encode());
    }
  }

  private void onMessage(JsonObject message) {
    switch (message.getString("type")) {
      case "connect" -> connect(message);
      case "send" -> fleet.startSending(SendPlan.fromJson(message.getJsonObject("plan")));
      case "stop" -> fleet.requestStop();
      case "flush" -> {
        tick();
        send(new JsonObject().put("type", "flushed"));
      }
      case "verify" -> verify(message.getJsonArray("acked"));
      case "close" -> close();
      default -> throw new IllegalArgumentException("unknown control message " + message.getString("type"));
    }
  }

  private void connect(JsonObject message) {
    JsonObject run = message.getJsonObject("run");
    rooms = message.getJsonArray("rooms").stream().map(r -> (JsonObject) r)
      .map(r -> new RoomLedger(r.getLong("id"), r.getString("name"), r.getLong("baseSeq"))).toList();
    List<URI> gateways = run.getJsonArray("gateways").stream().map(g -> URI.create((String) g)).toList();
    fleet = LocalFleet.open(context, run.getString("runId"), URI.create(run.getString("target")), gateways,
      run.getInteger("totalUsers"), run.getInteger("from"), run.getInteger("to"), run.getInteger("usersPerSource"),
      run.getInteger("maxInFlight"), run.getInteger("connectWindow"));
    ticker = vertx.setPeriodic(1_000, t -> tick());
    List<String> tokens = message.getJsonArray("tokens").stream().map(t -> (String) t).toList();
    JsonObject plan = message.getJsonObject("plan");
    fleet.connect(tokens, rooms, ConnectPace.fromJson(message.getJsonObject("pace")),
        plan == null ? null : SendPlan.fromJson(plan))
      .onComplete(ar -> {
        tick();
        send(new JsonObject().put("type", "connected").put("peak", fleet.connectPeak()));
      });
  }

  /** What changed since the last tick: the run's counters and histograms, and each room's new acks. */
  private void tick() {
    if (fleet == null) {
      return;
    }
    JsonArray taken = new JsonArray();
    for (RoomLedger room : rooms) {
      JsonObject news = room.takeNew();
      if (news != null) {
        taken.add(news);
      }
    }
    send(new JsonObject().put("type", "tick").put("stats", fleet.run().stats().delta()).put("rooms", taken)
      .put("unsettled", fleet.unsettled()).put("created", fleet.created())
      .put("cpuSeconds", Math.max(0, ClientLimits.cpuSeconds())));
  }

  private void verify(JsonArray acked) {
    List<BitSet> merged = acked.stream().map(a -> Bits.decode((String) a)).toList();
    send(new JsonObject().put("type", "verified").put("outcome", WorkerFleet.toJson(fleet.verify(rooms, merged))));
  }

  private void close() {
    vertx.cancelTimer(ticker);
    Future<Void> closed = fleet == null ? Future.succeededFuture() : fleet.close();
    closed.onComplete(v -> {
      send(new JsonObject().put("type", "closed"));
      socket.close().onComplete(x -> ended.tryComplete());
    });
  }

  /** {@code LoadWorker --coordinator ws://HOST:PORT/load-workers}: one worker until its run ends. */
  public static void main(String[] args) {
    if (args.length != 2 || !args[0].equals("--coordinator")) {
      System.err.println("usage: LoadWorker --coordinator ws://HOST:PORT" + WorkerFleet.PATH);
      System.exit(2);
    }
    System.exit(run(args[1]));
  }

  /** Runs one worker against the coordinator at {@code control}; the exit code. */
  public static int run(String control) {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
    try {
      LoadWorker worker = new LoadWorker(control);
      vertx.deployVerticle(worker).await();
      worker.ended().await();
      return 0;
    } catch (Exception e) {
      System.err.println("load worker: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
