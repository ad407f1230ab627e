package io.midnight.bench;

import io.midnight.common.Addresses;
import io.midnight.common.AppendRequest;
import io.midnight.common.BusCodecs;
import io.midnight.loadtest.Greetings;


import io.midnight.messages.AppendBatcher;
import io.midnight.storage.StorageVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code midnight bench storage}. Each phase uses a fresh temporary data directory and a real storage verticle
 * (SQLite, WAL, synchronous=FULL, indexes and FTS maintained) driven over the event bus with a bounded window of
 * requests in flight, the way the message service drives it.
 */
public final class StorageBench {

  /** What the distribution deploys ({@code app}'s all-in-one node): the config's flags in, the HTTP port out. */
  @FunctionalInterface
  public interface Node {
    Future<Integer> deployAll(Vertx vertx, JsonObject flags);
  }


  private static final int ROOMS = 50;
  private static final int WINDOW = 8_000;
  private static final int APPEND_BATCH = 1_000;

  private final int messages;
  private final int baselineMessages;
  private final int storeMessages;
  private final int users;
  private final Vertx vertx;
  private final Node node;
  /** Null for the embedded SQLite store; else every phase gets a fresh PostgreSQL database. */
  private final BenchDatabases postgres;

  /** {@code vertx}: a serving Vert.x (as the node would have); {@code node} deploys the whole node for users/s. */
  public StorageBench(Vertx vertx, Node node, int messages, int baselineMessages, int storeMessages, int users,
                      String postgresUrl) {
    this.vertx = vertx;
    this.node = node;
    this.messages = messages;
    this.baselineMessages = baselineMessages;
    this.storeMessages = storeMessages;
    this.users = users;
    this.postgres = postgresUrl == null ? null : new BenchDatabases(vertx, postgresUrl);
  }

  public int run() throws Exception {
    System.out.printf("Midnight storage benchmark: %d cores, Java %s, %s transport, %s%n",
      Runtime.getRuntime().availableProcessors(), Runtime.version(), vertx.isNativeTransportEnabled() ? "epoll" : "nio",
      postgres == null ? "SQLite (WAL, synchronous=FULL)" : "PostgreSQL (synchronous_commit=on), a fresh database per phase");
    Path root = Files.createTempDirectory("midnight-bench-");
    try {
      appends("warm-up (not counted)", root.resolve("warm-up"), 4_000, 1_000_000, Math.min(messages, 200_000), WINDOW,
        APPEND_BATCH);
      double baseline = appends("appends, one transaction per message", root.resolve("baseline"), 1,
        1_000_000, baselineMessages, 64, 1).perSecond;
      double grouped = appends("appends, group commit", root.resolve("grouped"), 4_000, 1_000_000, messages,
        WINDOW, APPEND_BATCH).perSecond;
      System.out.printf("%n  group commit / one per transaction: %.0fx (goal >= 25x: %s)%n", grouped / baseline,
        grouped / baseline >= 25 ? "met" : "NOT met");
      int goal = postgres == null ? 200_000 : 100_000;
      System.out.printf("  group commit: %,.0f durable appends/s (goal >= %,d/s: %s)%n", grouped, goal,
        grouped >= goal ? "met" : "NOT met");
      if (postgres != null) {
        double ceiling = new PgInsertCeiling(vertx, postgres, Math.min(messages, 500_000)).run();
        System.out.printf("  group commit / bare INSERT of 1,000 rows per transaction: %.2fx%n", grouped / ceiling);
      }
      System.out.println();

      Path store = root.resolve("store");
      String storage = appendsKeepDeployed("building the history/search store", store, storeMessages);
      history();
      search();
      vertx.undeploy(storage).await();

      usersPerSecond(root.resolve("users"));
      return 0;
    } finally {
      if (postgres != null) {
        postgres.dropAll();
      }
      vertx.close().await();
      deleteTree(root);
    }
  }

  private record Rate(double perSecond, long count, double seconds) {
  }

  private Rate appends(String label, Path dir, int maxBatch, int maxPerShard, int count, int window, int perRequest) {
    String id = deployStorage(dir, maxBatch, maxPerShard);
    Rate rate = drive(label, count, window, perRequest);
    vertx.undeploy(id).await();
    return rate;
  }

  private String appendsKeepDeployed(String label, Path dir, int count) {
    String id = deployStorage(dir, 4_000, Math.max(1, count / 10));
    drive(label, count, WINDOW, APPEND_BATCH);
    JsonObject stats = vertx.eventBus().<JsonObject>request(Addresses.STORAGE_STATS, new JsonObject()).await().body();
    System.out.printf("  store: %,d messages in %d shards%n", stats.getLong("messages"),
      stats.getJsonObject("shards").getInteger("count"));
    return id;
  }

  private String deployStorage(Path dir, int maxBatch, int maxPerShard) {
    BusCodecs.register(vertx);
    JsonObject storage = new JsonObject().put("maxBatch", maxBatch).put("maxMessagesPerShard", maxPerShard);
    JsonObject config = new JsonObject().put("dataDir", dir.toString())
      .put("storage", postgres == null ? storage : postgres.create(storage));
    String id = vertx.deployVerticle(new StorageVerticle(), new DeploymentOptions().setConfig(config)).await();
    JsonArray rooms = new JsonArray();
    for (int r = 1; r <= ROOMS; r++) {
      rooms.add(new JsonObject().put("id", r).put("name", "bench room " + r));
    }
    vertx.eventBus().request(Addresses.STORAGE_ROOMS_SEED, new JsonObject().put("rooms", rooms)).await();
    return id;
  }

  /**
   * Keeps {@code window} appends in flight until {@code count} are acknowledged, through the message service's
   * {@link AppendBatcher} ({@code perRequest} 1 sends each message alone); prints progress.
   */
  private Rate drive(String label, int count, int window, int perRequest) {
    Promise<Long> done = Promise.promise();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long progress = vertx.setPeriodic(2_000, t -> System.out.printf("  ... %s: %,d / %,d%n", label, acked.get(), count));
    Context context = vertx.getOrCreateContext();
    AppendBatcher appends = new AppendBatcher(context, vertx.eventBus(), perRequest, 120_000);
    context.runOnContext(v -> new Object() {
      int sent;

      void next() {
        if (sent >= count) {
          return;
        }
        int i = sent++;
        appends.append(new AppendRequest.Item(1 + i % ROOMS, 1 + i % 1_000, "bench-" + (i % 1_000),
            Greetings.MESSAGES.get(i % Greetings.MESSAGES.size()) + " #" + i + " tag" + (i % 1_000), "bench-" + i))
          .onComplete(ar -> {
            if (ar.failed()) {
              failure.compareAndSet(null, ar.cause());
            }
            if (acked.incrementAndGet() == count) {
              done.complete(System.nanoTime() - start);
            } else {
              next();
            }
          });
      }

      void begin() {
        for (int w = 0; w < Math.min(window, count); w++) {
          next();
        }
      }
    }.begin());
    long nanos = done.future().await();
    vertx.cancelTimer(progress);
    if (failure.get() != null) {
      throw new IllegalStateException(label + ": an append failed", failure.get());
    }
    double seconds = nanos / 1e9;
    Rate rate = new Rate(count / seconds, count, seconds);
    System.out.printf("  %-40s %,12.0f /s  (%,d in %.2f s)%n", label, rate.perSecond, count, seconds);
    return rate;
  }

  private void history() {
    Random random = new Random(42);
    int requests = 2_000;
    long[] nanos = new long[requests];
    long perRoom = storeMessages / ROOMS;
    for (int i = 0; i < requests; i++) {
      JsonObject query = new JsonObject().put("roomId", 1 + random.nextInt(ROOMS)).put("limit", 50);
      if (i % 2 == 1) {
        query.put("beforeSeq", 1 + random.nextLong(Math.max(1, perRoom)));
      }
      long t = System.nanoTime();
      vertx.eventBus().request(Addresses.STORAGE_MESSAGES_HISTORY, query).await();
      nanos[i] = System.nanoTime() - t;
    }
    report("history, 50 per page (newest and deep pages)", nanos);
  }

  private void search() {
    List<String> queries = List.of("fireworks", "happy new year", "tag7", "wishes health", "prosperity", "surpris*");
    int requests = 300;
    long[] nanos = new long[requests];
    for (int i = 0; i < requests; i++) {
      long t = System.nanoTime();
      vertx.eventBus().request(Addresses.STORAGE_MESSAGES_SEARCH, new JsonObject()
        .put("q", queries.get(i % queries.size())).put("limit", 20)).await();
      nanos[i] = System.nanoTime() - t;
    }
    report("search, 20 results, all shards in parallel", nanos);
  }

  private static void report(String label, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf("  %-45s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms  (%d requests)%n", label,
      sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6,
      sorted.length);
  }

  private void usersPerSecond(Path dir) {
    JsonObject flags = new JsonObject().put("dataDir", dir.toString()).put("http", new JsonObject().put("port", 0)
      .put("host", "127.0.0.1"));
    if (postgres != null) {
      flags.put("storage", postgres.create(new JsonObject()));
    }
    int port = node.deployAll(vertx, flags).await();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
      new PoolOptions().setHttp1MaxSize(4));
    int batch = 1_000;
    int batches = Math.max(1, users / batch);
    Promise<Long> done = Promise.promise();
    AtomicLong created = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    vertx.runOnContext(v -> new Object() {
      int sent;

      void next() {
        if (sent >= batches) {
          return;
        }
        int b = sent++;
        JsonArray list = new JsonArray();
        for (int i = 0; i < batch; i++) {
          list.add(new JsonObject().put("username", "u" + b + "_" + i));
        }
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/users/batch"))
          .compose(req -> req.putHeader("Content-Type", "application/json")
            .send(new JsonObject().put("users", list).toBuffer()))
          .compose(resp -> resp.body().map(body -> {
            if (resp.statusCode() != 201) {
              throw new IllegalStateException("batch answered " + resp.statusCode() + ": " + body);
            }
            return new JsonObject(body).getJsonArray("users").size();
          }))
          .onComplete(ar -> {
            if (ar.failed()) {
              failure.compareAndSet(null, ar.cause());
              done.tryComplete(System.nanoTime() - start);
              return;
            }
            if (created.addAndGet(ar.result()) == (long) batches * batch) {
              done.complete(System.nanoTime() - start);
            } else {
              next();
            }
          });
      }

      void begin() {
        for (int c = 0; c < 4; c++) {
          next();
        }
      }
    }.begin());
    long nanos = done.future().await();
    if (failure.get() != null) {
      throw new IllegalStateException("user batch failed", failure.get());
    }
    double perSecond = created.get() / (nanos / 1e9);
    System.out.printf("%n  %-40s %,12.0f /s  (%,d users in %.2f s; goal >= 20,000/s: %s)%n",
      "users via POST /api/users/batch", perSecond, created.get(), nanos / 1e9, perSecond >= 20_000 ? "met" : "NOT met");
    client.close().await();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

}
