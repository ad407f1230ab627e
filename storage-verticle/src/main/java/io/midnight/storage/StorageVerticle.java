package io.midnight.storage;

import io.midnight.common.Addresses;
import io.midnight.common.AppendRequest;
import io.midnight.common.BusCodecs;
import io.midnight.common.BusEndpoint;
import io.midnight.common.ErrorCode;
import io.midnight.common.Fields;
import io.midnight.storage.postgres.PgStore;
import io.midnight.storage.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The single writer of Midnight's data, over the backend the config names ({@code storage.backend}).
 * SQLite: one writer thread commits in groups and answers each request only after its transaction is durable;
 * readers run on their own pool with read-only connections; bus handlers run on this verticle's event loop and never
 * touch a file. Deploy exactly one per data directory. PostgreSQL: appends commit in groups on a connection of
 * their own; several instances may share one database (see {@link PgStore}).
 */
public final class StorageVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StorageVerticle.class);
  static final int MAX_HISTORY = 200;
  static final int MAX_SEARCH = 100;

  private final Clock clock;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Store store;

  public StorageVerticle() {
    this(Clock.systemUTC());
  }

  public StorageVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    StorageOptions options = StorageOptions.fromConfig(config());
    return onlyWriterOfItsKind(options).compose(v -> options.backend().equals(StorageOptions.POSTGRES)
        ? PgStore.open(vertx, options, clock)
        : vertx.executeBlocking(() -> SqliteStore.open(vertx, options, clock, r -> context.runOnContext(x -> r.run()))))
      .compose(opened -> {
        store = opened;
        LOG.info("storage ready: {} (max {} messages per shard, retain {} sealed shard(s))",
          options.backend().equals(StorageOptions.POSTGRES) ? "PostgreSQL" : options.dataDir().toAbsolutePath(),
          options.maxMessagesPerShard(), options.retainShards());
        return Future.all(List.of(
          handle(Addresses.STORAGE_USERS_CREATE, b -> store.createUsers(Fields.requireArray(b, "users"))),
          handle(Addresses.STORAGE_USERS_FIND, b -> store.findUser(Fields.requireString(b, "username"))),
          handle(Addresses.STORAGE_ROOMS_SEED, b -> store.seedRooms(Fields.requireArray(b, "rooms"))),
          handle(Addresses.STORAGE_ROOMS_CREATE, b -> store.createRoom(Fields.requireString(b, "name"),
            Fields.requireLong(b, "userId"))),
          handle(Addresses.STORAGE_ROOMS_LIST, b -> store.listRooms()),
          handle(Addresses.STORAGE_ROOMS_JOIN, b -> store.join(Fields.requireLong(b, "roomId"),
            Fields.requireLong(b, "userId"))),
          handle(Addresses.STORAGE_ROOMS_LEAVE, b -> store.leave(Fields.requireLong(b, "roomId"),
            Fields.requireLong(b, "userId"))),
          handle(Addresses.STORAGE_ROOMS_MEMBER, b -> store.isMember(Fields.requireLong(b, "roomId"),
            Fields.requireLong(b, "userId"))),
          appends(),
          handle(Addresses.STORAGE_MESSAGES_HISTORY, b -> {
            Long before = Fields.optionalLong(b, "beforeSeq");
            return store.history(Fields.requireLong(b, "roomId"), before == null ? Long.MAX_VALUE : before,
              Fields.limit(b, "limit", 50, MAX_HISTORY));
          }),
          handle(Addresses.STORAGE_MESSAGES_SINCE, b -> {
            Long afterSeq = Fields.optionalLong(b, "afterSeq");
            Long afterId = Fields.optionalLong(b, "afterId");
            return store.since(Fields.requireLong(b, "roomId"), afterSeq == null ? 0 : afterSeq,
              afterId == null ? 0 : afterId, Fields.limit(b, "limit", MAX_HISTORY, MAX_HISTORY));
          }),
          handle(Addresses.STORAGE_MESSAGES_SEARCH, b -> {
            Long before = Fields.optionalLong(b, "beforeId");
            return store.search(Fields.requireString(b, "q"), Fields.optionalLong(b, "roomId"),
              before == null ? Long.MAX_VALUE : before, Fields.limit(b, "limit", 20, MAX_SEARCH));
          }),
          handle(Addresses.STORAGE_STATS, b -> store.stats())));
      });
  }

  /**
   * In a cluster, asks whether a storage node already answers. Two SQLite stores in one cluster would be two
   * histories with their own seqs, so a SQLite node refuses to join one that has a storage node, and no node joins
   * a SQLite one; PostgreSQL nodes share their database. (Best effort: two nodes starting in the same second both
   * find nobody.)
   */
  private Future<Void> onlyWriterOfItsKind(StorageOptions options) {
    if (!vertx.isClustered()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JsonObject>request(Addresses.STORAGE_STATS, new JsonObject(),
        new DeliveryOptions().setSendTimeout(3_000))
      .transform(ar -> {
        if (ar.failed()) {
          return Future.succeededFuture(); // nobody answers: this is the cluster's first storage node
        }
        String theirs = ar.result().body().getString("backend", StorageOptions.SQLITE);
        if (theirs.equals(StorageOptions.POSTGRES) && options.backend().equals(StorageOptions.POSTGRES)) {
          return Future.succeededFuture();
        }
        return Future.failedFuture(new IllegalStateException("this cluster already has a storage node (" + theirs
          + "); a SQLite store has one writer per cluster: run the storage nodes with --postgres URL to have several"));
      });
  }

  private Future<Void> appends() {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.STORAGE_MESSAGES_APPEND, message -> {
      if (!(message.body() instanceof AppendRequest request)) {
        ErrorCode.INVALID_REQUEST.fail(message, "the body must be an AppendRequest");
        return;
      }
      store.append(request).onSuccess(message::reply).onFailure(e -> ErrorCode.reply(message, e));
    });
    consumers.add(consumer);
    return consumer.completion();
  }

  private Future<Void> handle(String address, Function<JsonObject, Future<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = BusEndpoint.serve(vertx, address, handler);
    consumers.add(consumer);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
      .eventually(() -> store == null ? Future.succeededFuture()
        : store.close().onSuccess(v -> LOG.info("storage closed")));
  }
}
