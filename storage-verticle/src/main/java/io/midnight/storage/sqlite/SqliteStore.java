package io.midnight.storage.sqlite;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.midnight.common.metrics.Meters;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.storage.SearchTerms;
import io.midnight.storage.StorageOptions;
import io.midnight.storage.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The embedded store: {@code <dataDir>/catalog.db} (users, rooms, memberships, shard manifest) and
 * {@code <dataDir>/messages/shard-NNNNNN.db}, each SQLite in WAL mode with {@code synchronous=FULL}.
 * One writer thread ({@link GroupCommitWriter}) owns every write; reads run on a fixed pool of reader threads
 * with their own read-only connections ({@link StoreReader}). Opening recovers from what is on disk and refuses
 * to start on a missing or unreadable shard, naming the file.
 *
 * <p>Every method returns a future completed on the caller's Vert.x context: writes once durable, reads once read.
 */
public final class SqliteStore implements Store {

  private final Vertx vertx;
  private final WriterState state;
  private final DiskSpace disk;
  private final GroupCommitWriter writer;
  private final StoreReader reader;
  private final WorkerExecutor readers;

  private SqliteStore(Vertx vertx, WriterState state, StorageOptions options, Consumer<Runnable> replies) {
    this.vertx = vertx;
    this.state = state;
    this.disk = new DiskSpace(options.dataDir(), options.minFreeBytes());
    this.writer = new GroupCommitWriter(state, disk, options.maxBatch(), replies);
    this.reader = new StoreReader(state);
    this.readers = vertx.createSharedWorkerExecutor("midnight-storage-readers", options.readerThreads());
  }

  /**
   * Blocking (recovery reads every shard's header and the active shard's keys): call it off the event loop.
   *
   * @param replies runs a commit's completions; pass the verticle context's {@code runOnContext}
   */
  public static SqliteStore open(Vertx vertx, StorageOptions options, Clock clock, Consumer<Runnable> replies) {
    SqliteStore store = new SqliteStore(vertx, Recovery.open(options, clock), options, replies);
    store.registerGauges();
    if (options.verifyInBackground()) {
      store.verifyInBackground();
    }
    return store;
  }

  /**
   * {@code storage.verify: background}: serving has started; the sealed shards' checksums are compared on a reader
   * thread, and a damaged shard is set aside ({@code /health} says degraded) rather than refusing a start.
   */
  private void verifyInBackground() {
    List<ShardInfo> sealed = state.manifest().sealed();
    read(() -> {
      Map<Integer, String> recorded;
      try (Connection catalog = Sqlite.reader(state.catalogFile())) {
        recorded = ShardChecksums.recorded(catalog);
      }
      ShardChecksums.verify(reader.readable(sealed), recorded, null).forEach(state.damaged()::mark);
      return null;
    });
  }

  /** Store-wide figures for {@code /metrics}; read from the scrape's thread, like {@link #stats()}. */
  private void registerGauges() {
    MeterRegistry registry = Meters.registry();
    Gauge.builder("midnight.shards", this, s -> s.state.manifest().size())
      .description("message shard files, sealed and active").register(registry);
    Gauge.builder("midnight.active.shard.fill", this, s -> (double) s.state.activeCount() / s.state.maxMessagesPerShard())
      .description("how full the active shard is, 0 to 1").register(registry);
    Gauge.builder("midnight.users", this, s -> s.state.userCount()).register(registry);
    Gauge.builder("midnight.rooms", this, s -> s.state.roomCount()).register(registry);
    Gauge.builder("midnight.messages.stored", this, s -> s.state.manifest().sealedMessages() + s.state.activeCount())
      .register(registry);
    Gauge.builder("midnight.commit.queued", this, s -> s.writer.queued())
      .description("write requests waiting for the writer").register(registry);
    // for alerts: /health's readiness, and the disk's headroom before writes are refused with disk_full
    Gauge.builder("midnight.storage.writable", this, s -> s.writer.refusal() == null ? 1 : 0)
      .description("1 while the store takes writes, 0 while it refuses them (disk full, writer failed)")
      .register(registry);
    Gauge.builder("midnight.storage.disk.free", this, s -> s.disk.free()).baseUnit("bytes")
      .description("usable space on the store's disk").register(registry);
    Gauge.builder("midnight.storage.disk.min.free", this, s -> s.disk.minFree()).baseUnit("bytes")
      .description("free space below which writes are refused with disk_full (storage.minFreeMegabytes)")
      .register(registry);
  }

  // ---- writes ----

  @Override
  public Future<JsonObject> createUsers(JsonArray users) {
    return write(s -> s.catalog().createUsers(users));
  }

  @Override
  public Future<JsonObject> seedRooms(JsonArray rooms) {
    return write(s -> s.catalog().seedRooms(rooms));
  }

  @Override
  public Future<JsonObject> createRoom(String name, long userId) {
    return write(s -> s.catalog().createRoom(name, userId));
  }

  @Override
  public Future<JsonObject> join(long roomId, long userId) {
    return write(s -> s.catalog().join(roomId, userId));
  }

  @Override
  public Future<JsonObject> leave(long roomId, long userId) {
    return write(s -> s.catalog().leave(roomId, userId));
  }

  @Override
  public Future<AppendReply> append(AppendRequest request) {
    AppendBatch batch = new AppendBatch(request);
    return write(batch, batch.size());
  }

  private <T> Future<T> write(GroupCommitWriter.Operation<T> operation) {
    return write(operation, 1);
  }

  private <T> Future<T> write(GroupCommitWriter.Operation<T> operation, int weight) {
    Promise<T> promise = Promise.promise();
    writer.submit(operation, weight, (result, failure) -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(result);
      }
    });
    return promise.future();
  }

  // ---- reads ----

  @Override
  public Future<JsonObject> findUser(String username) {
    return read(() -> reader.findUser(username));
  }

  @Override
  public Future<JsonObject> listRooms() {
    return read(() -> new JsonObject().put("rooms", reader.listRooms()));
  }

  @Override
  public Future<JsonObject> isMember(long roomId, long userId) {
    return read(() -> new JsonObject().put("member", reader.isMember(roomId, userId)));
  }

  @Override
  public Future<JsonObject> history(long roomId, long beforeSeq, int limit) {
    return read(() -> {
      reader.requireRoom(roomId);
      return Store.page(reader.history(roomId, beforeSeq, limit + 1), limit, "seq");
    });
  }

  @Override
  public Future<JsonObject> since(long roomId, long afterSeq, long afterId, int limit) {
    return read(() -> {
      reader.requireRoom(roomId);
      return Store.catchUp(reader.since(roomId, afterSeq, afterId, limit + 1), limit);
    });
  }

  /** Every shard that can hold a match is searched at once; results merge newest first. */
  @Override
  public Future<JsonObject> search(String typed, Long roomId, long beforeId, int limit) {
    String query = SearchTerms.parse(typed).fts5(); // a bad query throws: the bus endpoint answers invalid_query
    List<Future<List<JsonObject>>> perShard = new ArrayList<>();
    for (ShardInfo shard : reader.readable(state.manifest().newestFirst())) {
      if (!shard.sealed() || (shard.count() > 0 && shard.minId() < beforeId)) {
        perShard.add(read(() -> reader.search(shard, query, roomId, beforeId, limit + 1)));
      }
    }
    return Future.all(perShard).map(all -> {
      List<JsonObject> merged = new ArrayList<>();
      perShard.forEach(f -> merged.addAll(f.result()));
      merged.sort(Comparator.comparingLong((JsonObject m) -> m.getLong("id")).reversed());
      return Store.page(merged.subList(0, Math.min(merged.size(), limit + 1)), limit, "id");
    });
  }

  private <T> Future<T> read(Callable<T> query) {
    return readers.executeBlocking(query, false);
  }

  @Override
  public Future<JsonObject> stats() {
    return Future.succeededFuture(statsNow());
  }

  private JsonObject statsNow() {
    ShardManifest manifest = state.manifest();
    long active = state.activeCount();
    long commits = writer.commits();
    String refusal = writer.refusal();
    return new JsonObject()
      .put("backend", "sqlite")
      .put("store", state.identity().toJson())
      .put("writable", refusal == null)
      .put("refusal", refusal)
      .put("damagedShards", state.damaged().toJson(manifest))
      .put("users", state.userCount())
      .put("rooms", state.roomCount())
      .put("messages", manifest.sealedMessages() + active)
      .put("lastMessageId", state.lastMessageId())
      .put("shards", new JsonObject()
        .put("count", manifest.size())
        .put("active", manifest.activeShard().file().getFileName().toString())
        .put("activeMessages", active)
        .put("maxMessagesPerShard", state.maxMessagesPerShard())
        .put("activeFill", (double) active / state.maxMessagesPerShard()))
      .put("commits", new JsonObject()
        .put("count", commits)
        .put("requests", writer.committedRequests())
        .put("avgBatch", commits == 0 ? 0 : (double) writer.committedRequests() / commits)
        .put("lastBatch", writer.lastBatchSize())
        .put("maxBatch", writer.maxBatchSize())
        .put("avgCommitMs", commits == 0 ? 0 : writer.commitNanos() / 1e6 / commits)
        .put("queued", writer.queued()));
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      try {
        writer.close();
      } finally {
        reader.close();
        readers.close();
      }
      // the last connections are gone: fold the WALs into their files, so catalog.db alone is the catalog
      state.checkpoint();
      return null;
    });
  }
}
