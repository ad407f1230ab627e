package io.midnight.loadtest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;

import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Users in this process: one {@link ClientVerticle} each, users {@code firstUser} to {@code firstUser + n - 1} of
 * the run (a load worker holds a slice). Against a loopback target, user u connects from source address
 * 127.0.0.(1 + u / perAddress), the same address for the same user in any process, so workers never share one.
 * Confined to the run's context.
 */
final class LocalFleet implements Fleet {

  private final Vertx vertx;
  private final Context context;
  private final LoadRun run;
  private final int firstUser;
  private final int connectWindow;
  private final List<WebSocketClient> webSockets;
  private final List<String> sourceAddresses;
  private final List<ClientVerticle> clients = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private int peak;

  private LocalFleet(Context context, LoadRun run, int firstUser, int connectWindow, List<WebSocketClient> webSockets,
                     List<String> sourceAddresses) {
    this.vertx = context.owner();
    this.context = context;
    this.run = run;
    this.firstUser = firstUser;
    this.connectWindow = connectWindow;
    this.webSockets = webSockets;
    this.sourceAddresses = sourceAddresses;
  }

  /**
   * A fleet for users [{@code from}, {@code to}) of a run of {@code totalUsers} against {@code target}, its clients
   * sharing one {@link LoadRun} (created here: it needs the WebSocket clients).
   */
  static LocalFleet open(Context context, String runId, URI target, List<URI> gateways, int totalUsers, int from,
                         int to, int usersPerSource, int maxInFlight, int connectWindow) {
    boolean loopback = target.getHost().startsWith("127.") || target.getHost().equals("localhost");
    int sources = loopback ? Math.min(254, (totalUsers + usersPerSource - 1) / usersPerSource) : 1;
    int perSource = (totalUsers + sources - 1) / sources;
    int firstSource = Math.min(sources - 1, from / perSource);
    int lastSource = Math.min(sources - 1, Math.max(from, to - 1) / perSource);
    List<WebSocketClient> webSockets = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int s = firstSource; s <= lastSource; s++) {
      WebSocketClientOptions options = new WebSocketClientOptions()
        .setMaxConnections(Math.max(50, perSource * 2)).setConnectTimeout(10_000);
      if (sources > 1) {
        String address = "127.0.0." + (1 + s);
        options.setLocalAddress(address);
        addresses.add(address);
      }
      webSockets.add(context.owner().createWebSocketClient(options));
    }
    LoadRun run = new LoadRun(runId, gateways, webSockets, firstSource, perSource, maxInFlight);
    return new LocalFleet(context, run, from, connectWindow, webSockets, addresses);
  }

  LoadRun run() {
    return run;
  }

  /** The source addresses this process's users connect from (empty: the system's choice). */
  List<String> sourceAddresses() {
    return sourceAddresses;
  }

  @Override
  public Future<Void> ready() {
    return Future.succeededFuture();
  }

  /** {@code tokens}: this fleet's users in order, user {@code firstUser + i} with {@code tokens.get(i)}. */
  @Override
  public Future<Void> connect(List<String> tokens, List<RoomLedger> rooms, ConnectPace pace, SendPlan plan) {
    if (plan != null) {
      run.follow(plan);
    }
    ConnectWindow window = new ConnectWindow(context, connectWindow);
    if (pace != null) {
      window.paced(i -> pace.notBefore(firstUser + i));
    }
    return window.run(tokens.size(), i -> {
      int user = firstUser + i;
      RoomLedger room = rooms.get(user % rooms.size());
      room.member();
      ClientVerticle client = new ClientVerticle(run, user, tokens.get(i), room);
      clients.add(client);
      return vertx.deployVerticle(client).onSuccess(deployments::add)
        .compose(id -> client.joined()).onSuccess(v -> {
          if (plan != null) {
            client.startSending(plan.schedule(user));
          }
        });
    }, run::stopRequested).onComplete(v -> peak = window.peak());
  }

  @Override
  public void startSending(SendPlan plan) {
    run.follow(plan);
    for (ClientVerticle client : clients) {
      client.startSending(plan.schedule(client.user()));
    }
  }

  @Override
  public void requestStop() {
    run.requestStop();
  }

  @Override
  public int created() {
    return clients.size();
  }

  @Override
  public int connectPeak() {
    return peak;
  }

  @Override
  public long unsettled() {
    return run.unsettled();
  }

  @Override
  public Future<Outcome> verify(List<RoomLedger> rooms) {
    return Future.succeededFuture(verify(rooms, rooms.stream().map(RoomLedger::ackedSeqs).toList()));
  }

  /** Checks this fleet's users against {@code acked} (each room's acked seqs, in the order of {@code rooms}). */
  Outcome verify(List<RoomLedger> rooms, List<BitSet> acked) {
    List<ClientVerticle.Result> results = clients.stream().map(ClientVerticle::result).toList();
    return new Outcome(Verification.tally(rooms, acked, results),
      results.stream().filter(ClientVerticle.Result::everJoined).count(),
      results.stream().mapToLong(ClientVerticle.Result::reconnects).sum());
  }

  @Override
  public List<String> unverifiable() {
    return List.of();
  }

  @Override
  public JsonArray workers() {
    return new JsonArray();
  }

  @Override
  public double workerCpuSeconds() {
    return 0;
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> undeployed = new ArrayList<>();
    deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
    deployments.clear();
    return Future.join(undeployed).<Void>mapEmpty().recover(e -> Future.succeededFuture())
      .eventually(() -> Future.join(webSockets.stream().map(WebSocketClient::close).toList()));
  }
}
