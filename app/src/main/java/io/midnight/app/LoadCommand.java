package io.midnight.app;

import io.midnight.common.config.Defaults;
import io.midnight.loadtest.Countdown;
import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.midnight.loadtest.Workers;
import io.midnight.loadtest.api.PresetStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code midnight load}: one load test without the menu, against a given server or one it starts. */
@Command(name = "load", mixinStandardHelpOptions = true,
  description = {"Run a load test and verify that no acknowledged message was lost, duplicated or reordered.",
    "Presets (users, rooms, seconds, msgs/s per user): quick (30, 10, 30 s, 0.5), medium (100, 15, 60 s, 0.5),",
    "strong (500, 20, 120 s, 0.2), extreme (1,000, 25, 180 s, 0.1), mega (5,000, 30, 300 s, 0.01),",
    "ultra (10,000, 35, 600 s, 0.005): bigger rooms get less per user, as every message reaches every member;",
    "connections (1,000 users, 30 s): connect, hold, disconnect, no messages;",
    "midnight (1,000 users, 10 rooms, 40 s at 0.2 msgs/s): a countdown, then every user greets at 00:00",
    "(--countdown, --greetings, --burst-window, --connect-storm); other --users or --rooms without --rate",
    "keep its base chat at 20,000 deliveries/s.",
    "Without --target a Midnight server runs in a child process on a temporary data directory (or --data),",
    "so that the server's sockets and the clients' count against different open-file limits; past 15,000",
    "users (loadtest.usersPerGateway) it is a local cluster instead: a services node and a gateway node per",
    "15,000 users.",
    "More users than one process holds (loadtest.usersPerWorker, 15,000 by default) run in load worker",
    "processes on this machine (--workers N to choose); --remote-workers N waits for workers started elsewhere",
    "with 'midnight load-worker --coordinator URL'.",
    "Writes report.html and report.json under --report DIR (default reports/<timestamp>-<preset>/)."})
final class LoadCommand implements Callable<Integer> {

  @Option(names = "--preset", defaultValue = "quick",
    description = "preset name (default ${DEFAULT-VALUE}); with --data also the presets saved there over the API")
  String preset;

  @Option(names = "--target", paramLabel = "URL", description = "a running Midnight, e.g. http://127.0.0.1:4000, or any Socket.IO chat server speaking the "
      + "same events (its store is then not checked)")
  URI target;

  @Option(names = "--gateways", paramLabel = "URL,...", split = ",",
    description = "spread the users' sockets over these gateways of one cluster (default: the target)")
  List<URI> gateways;

  @Option(names = "--users", description = "override the preset's users")
  Integer users;

  @Option(names = "--rooms", description = "override the preset's rooms")
  Integer rooms;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "override the preset's sending time")
  Integer duration;

  @Option(names = "--rate", paramLabel = "MSGS_PER_S", description = "messages per second per user (default: the preset's)")
  Double rate;

  @Option(names = "--countdown", paramLabel = "SECONDS", description = "midnight: seconds until 00:00 (default ${DEFAULT-VALUE})")
  int countdownSeconds = Countdown.DEFAULT.countdownSeconds();

  @Option(names = "--burst-window", paramLabel = "SECONDS",
    description = "midnight: every user's greetings fall at random instants of this many seconds after 00:00 (default ${DEFAULT-VALUE})")
  int windowSeconds = Countdown.DEFAULT.windowSeconds();

  @Option(names = "--greetings", paramLabel = "N",
    description = "midnight: greetings each user sends in the burst window, whatever its base rate (default ${DEFAULT-VALUE})")
  int greetings = Countdown.DEFAULT.greetings();

  @Option(names = "--connect-storm", paramLabel = "SECONDS",
    description = "midnight: the users connect only in the last SECONDS before 00:00 and sending starts at 00:00 "
      + "(default ${DEFAULT-VALUE}: they connect before the countdown)")
  int connectStorm = Countdown.DEFAULT.connectStormSeconds();

  @Option(names = "--connect-window", paramLabel = "N",
    description = "connects+joins in flight at once; the next starts as one is in (default ${DEFAULT-VALUE})")
  int connectWindow = LoadTestVerticle.DEFAULT_CONNECT_WINDOW;

  @Option(names = "--max-in-flight", paramLabel = "N",
    description = "unsettled sends per user; a send due past it is skipped and counted (default ${DEFAULT-VALUE})")
  int maxInFlight = LoadTestVerticle.DEFAULT_MAX_IN_FLIGHT;

  @Option(names = "--workers", paramLabel = "N",
    description = "run the users in N load worker processes on this machine (default: as many as the users need "
      + "at --users-per-worker each; 0 = all in this process)")
  Integer workers;

  @Option(names = "--users-per-worker", paramLabel = "N",
    description = "users one process holds before workers are used (default: config loadtest.usersPerWorker, "
      + "15,000: one process may have 20,000 open files here)")
  Integer usersPerWorker;

  @Option(names = "--remote-workers", paramLabel = "N",
    description = "also wait for N workers started on other machines with 'midnight load-worker --coordinator URL' "
      + "(the URL is printed; see --control)")
  int remoteWorkers;

  @Option(names = "--control", paramLabel = "HOST:PORT",
    description = "where the load workers' control channel listens (default 127.0.0.1 on a free port; give an "
      + "address other machines reach for --remote-workers)")
  String control;

  @Option(names = "--config", paramLabel = "FILE",
    description = "a JSON or YAML configuration file (loadtest.usersPerWorker, loadtest.usersPerGateway)")
  String config;

  @Option(names = "--data", paramLabel = "DIR", description = "data directory of the server it starts (default: a temporary one)")
  Path data;

  @Option(names = "--report", paramLabel = "DIR", description = "where report.html and report.json go")
  Path report;

  @Option(names = "--fail-on", paramLabel = "RULES",
    description = "exit 1 when a rule holds, e.g. lost>0,duplicated>0,p99>50ms,errors>0 (p99: ack p99)")
  String failOn;

  /** The load workers this run uses, or null when its users stay in this process. */
  Workers workers(JsonObject resolvedConfig, int users) {
    int perWorker = usersPerWorker != null ? usersPerWorker
      : Defaults.section(resolvedConfig, "loadtest").getInteger("usersPerWorker");
    int local = workers != null ? workers : Workers.needed(users, perWorker);
    if (local < 0 || remoteWorkers < 0) {
      throw new IllegalArgumentException("--workers and --remote-workers cannot be negative");
    }
    if (local + remoteWorkers == 0) {
      return null;
    }
    if (control == null) {
      return new Workers(local, remoteWorkers, "127.0.0.1", 0);
    }
    int colon = control.lastIndexOf(':');
    try {
      return new Workers(local, remoteWorkers, control.substring(0, Math.max(0, colon)).replaceAll("^\\[|]$", ""),
        Integer.parseInt(control.substring(colon + 1)));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("--control wants HOST:PORT, e.g. 0.0.0.0:7400; got '" + control + "'");
    }
  }

  @Override
  public Integer call() throws Exception {
    Preset chosen;
    FailRules rules;
    Countdown shape;
    try {
      // With --data, the presets saved there through the config API count too.
      List<Preset> known = data != null ? new PresetStore(data).all() : Preset.BUILT_IN;
      chosen = known.stream().filter(p -> p.name().equalsIgnoreCase(preset)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no preset named '" + preset + "'; presets: "
          + known.stream().map(Preset::name).collect(Collectors.joining(", "))))
        .with(users, rooms, duration, rate);
      rules = FailRules.parse(failOn);
      shape = new Countdown(countdownSeconds, windowSeconds, greetings, connectStorm);
      if (connectWindow < 1 || maxInFlight < 1) {
        throw new IllegalArgumentException("--connect-window and --max-in-flight must be at least 1");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("midnight: " + e.getMessage());
      return 2;
    }
    Vertx vertx = MidnightNode.vertx();
    AutoCloseable server = null;
    Workers fleet;
    int perGateway;
    try {
      JsonObject resolved = MidnightNode.config(vertx, config, new JsonObject()).await();
      fleet = workers(resolved, chosen.users());
      perGateway = Defaults.section(resolved, "loadtest").getInteger("usersPerGateway");
      if (perGateway < 1) {
        throw new IllegalArgumentException("loadtest.usersPerGateway must be at least 1; got " + perGateway);
      }
    } catch (Exception e) {
      vertx.close().await();
      System.err.println("midnight: " + e.getMessage());
      return 2;
    }
    try {
      URI url = target;
      List<URI> sockets = gateways;
      if (url == null) { // a temporary data directory goes with the server (ServerProcess)
        Path dir = data != null ? data : Files.createTempDirectory("midnight-load-");
        int nodes = (chosen.users() + perGateway - 1) / perGateway;
        if (nodes > 1) { // more sockets than one gateway process holds
          LocalCluster cluster = LocalCluster.start(dir, data == null, nodes, System.out);
          server = cluster;
          url = cluster.url();
          sockets = cluster.gateways();
        } else {
          ServerProcess single = ServerProcess.start(dir, data == null, System.out);
          server = single;
          url = single.url;
        }
      }
      JsonObject result = LoadRunner.run(vertx, chosen, shape, url, sockets, report, System.out,
        test -> test.connectWindow(connectWindow).maxInFlight(maxInFlight).workers(fleet));
      String broken = rules.broken(result);
      if (broken != null) {
        System.out.println("  --fail-on: " + broken);
        return 1;
      }
      return LoadRunner.verified(result) ? 0 : 1;
    } catch (Exception e) {
      System.err.println("midnight: the load test failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
      if (server != null) {
        server.close();
      }
    }
  }
}
