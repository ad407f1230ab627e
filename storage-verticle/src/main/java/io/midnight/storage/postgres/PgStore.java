package io.midnight.storage.postgres;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import io.midnight.common.auth.StoreIdentity;
import io.midnight.common.names.UserNames;
import io.midnight.common.metrics.Meters;
import io.midnight.storage.SearchTerms;
import io.midnight.storage.StorageOptions;
import io.midnight.storage.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The cluster backend: the storage contract over one PostgreSQL database that several storage instances may share.
 * Appends go through {@link PgAppender} (group commit on a connection of its own); users, rooms and memberships are
 * one transaction each on a small pool, which PostgreSQL itself commits in groups when they arrive together; reads
 * use the pool too. Search is PostgreSQL full text ({@code simple} configuration, GIN index). Every failure that is
 * not the client's answers {@code unavailable}: retryable, never a false ack.
 */
public final class PgStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(PgStore.class);
  private static final String COLUMNS = "id, room_id, seq, sender_id, sender, text, ts";

  private StoreIdentity identity;
  private final Vertx vertx;
  private final Pool pool;
  private final PgAppender appender;
  private final Partitions partitions;
  private final StorageOptions options;
  private final Clock clock;
  private static final long COUNT_EVERY_MS = 10_000;
  /** The {@code application_name} of the appends' connection. */
  public static final String APPENDER_NAME = "midnight-storage-appends";
  private volatile JsonObject lastStats = new JsonObject();
  private long users;
  private long countedAt = Long.MIN_VALUE / 2;
  private long statsTimer = -1;

  private PgStore(Vertx vertx, StorageOptions options, Clock clock) {
    PgConnectOptions connect = PgConnectOptions.fromUri(options.postgresUrl());
    this.vertx = vertx;
    this.options = options;
    this.clock = clock;
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(options.postgresPoolSize()))
      .connectingTo(new PgConnectOptions(connect).addProperty("application_name", "midnight-storage")).using(vertx)
      .build();
    this.partitions = new Partitions(options.maxMessagesPerShard(), options.retainShards(), clock);
    // its own name, so that an operator can tell the appends' connection apart in pg_stat_activity
    this.appender = new PgAppender(vertx, new PgConnectOptions(connect).addProperty("application_name",
      APPENDER_NAME), pool, partitions, options.maxBatch(), clock);
  }

  /** Connects, migrates the schema, creates the first partitions; call it on the verticle's context. */
  public static Future<Store> open(Vertx vertx, StorageOptions options, Clock clock) {
    PgStore store = new PgStore(vertx, options, clock);
    return PgSchema.migrate(store.pool)
      .compose(v -> store.pool.query("SELECT id, created_at FROM store").execute())
      .compose(rows -> {
        Row row = rows.iterator().next();
        store.identity = new StoreIdentity(row.getString(0), row.getLong(1));
        return store.partitions.maintain(store.pool, 0);
      })
      .compose(v -> store.stats())
      .map(stats -> {
        store.appender.resume(stats.getLong("lastMessageId"));
        LOG.info("PostgreSQL storage ready at {}: {} partition(s), {} message(s), {} room(s), {} user(s)",
          redacted(options.postgresUrl()), stats.getJsonObject("shards").getInteger("count"),
          stats.getLong("messages"), stats.getLong("rooms"), stats.getLong("users"));
        store.registerGauges();
        return (Store) store;
      })
      .recover(e -> store.pool.close().transform(x -> Future.failedFuture(new IllegalStateException(
        "cannot open PostgreSQL storage at " + redacted(options.postgresUrl()) + ": " + e.getMessage(), e))));
  }

  /** The URL without a password, for logs. */
  static String redacted(String url) {
    return url.replaceAll("(//[^:/@]+):[^@]*@", "$1:***@");
  }

  private void registerGauges() {
    if (Meters.prometheus() == null) {
      return;
    }
    // a stats query that fails means the database does not answer: not writable, as /health says
    statsTimer = vertx.setPeriodic(5_000, t -> stats().onFailure(e -> lastStats = lastStats.copy()
      .put("writable", false)));
    MeterRegistry registry = Meters.registry();
    Gauge.builder("midnight.shards", this, s -> s.lastStats.getJsonObject("shards", new JsonObject()).getInteger("count", 0))
      .description("message shards (partitions), sealed and active").register(registry);
    Gauge.builder("midnight.active.shard.fill", this,
        s -> s.lastStats.getJsonObject("shards", new JsonObject()).getDouble("activeFill", 0.0))
      .description("how full the active shard is, 0 to 1").register(registry);
    Gauge.builder("midnight.users", this, s -> s.lastStats.getLong("users", 0L)).register(registry);
    Gauge.builder("midnight.rooms", this, s -> s.lastStats.getLong("rooms", 0L)).register(registry);
    Gauge.builder("midnight.messages.stored", this, s -> s.lastStats.getLong("messages", 0L)).register(registry);
    Gauge.builder("midnight.commit.queued", this,
        s -> s.lastStats.getJsonObject("commits", new JsonObject()).getInteger("queued", 0))
      .description("write requests waiting for the writer").register(registry);
    Gauge.builder("midnight.storage.writable", this, s -> s.lastStats.getBoolean("writable", false) ? 1 : 0)
      .description("1 while the store takes writes, 0 while it refuses them (the last append or stats query failed)")
      .register(registry);
  }

  /**
   * One array parameter per column, for {@code unnest($1::bigint[], ...)}. ({@code Tuple.of(a, b)} would spread a
   * last array argument into parameters of its own.)
   */
  public static Tuple columns(Object[]... arrays) {
    Tuple tuple = Tuple.tuple();
    for (Object[] array : arrays) {
      tuple.addValue(array);
    }
    return tuple;
  }

  /** Deadlocks, serialization failures and unique races with another instance: running again settles them. */
  static boolean retryable(Throwable e) {
    return e instanceof PgException pg && Set.of("40001", "40P01", "23505").contains(pg.getSqlState());
  }

  private static boolean uniqueViolation(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  /** A client's error stays what it is; anything else is the store being unavailable (retryable, 503). */
  private static <T> Future<T> unavailableUnlessClient(Future<T> future) {
    return future.recover(e -> Future.failedFuture(e instanceof ServiceException ? e
      : ErrorCode.UNAVAILABLE.exception("storage unavailable: " + e.getMessage())));
  }

  private <T> Future<T> transaction(Function<SqlConnection, Future<T>> work) {
    return transaction(work, null);
  }

  /** One transaction on the pool, run again after a deadlock; {@code unique} is what a unique violation means. */
  private <T> Future<T> transaction(Function<SqlConnection, Future<T>> work, ServiceException unique) {
    return unavailableUnlessClient(attempt(work, 1).recover(e -> Future.failedFuture(
      unique != null && uniqueViolation(e) ? unique : e)));
  }

  private <T> Future<T> attempt(Function<SqlConnection, Future<T>> work, int attempt) {
    return pool.withTransaction(work).recover(e -> attempt < 3 && retryable(e) && !uniqueViolation(e)
      ? attempt(work, attempt + 1) : Future.failedFuture(e));
  }

  private Future<RowSet<Row>> read(String sql, Tuple args) {
    return unavailableUnlessClient(pool.preparedQuery(sql).execute(args));
  }

  // ---- writes ----

  @Override
  public Future<JsonObject> createUsers(JsonArray users) {
    List<String> names = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      String name = users.getJsonObject(i).getString("username");
      String key = UserNames.key(name);
      names.add(name);
      if (keys.contains(key)) {
        taken.add(name);
      }
      keys.add(key);
    }
    long now = clock.millis();
    return transaction(conn -> conn.preparedQuery("SELECT username FROM users WHERE name_key = ANY($1::text[])")
      .execute(columns(keys.toArray(String[]::new)))
      .compose(rows -> {
        rows.forEach(r -> taken.add(r.getString(0)));
        if (!taken.isEmpty()) {
          throw new ServiceException(ErrorCode.USERNAME_TAKEN, "username already taken (or one that looks the same): "
            + String.join(", ", taken.subList(0, Math.min(10, taken.size()))) + (taken.size() > 10 ? ", ..." : ""));
        }
        return conn.preparedQuery("SELECT nextval('user_ids') FROM generate_series(1, $1)").execute(Tuple.of(names.size()));
      })
      .compose(rows -> {
        Long[] ids = new Long[names.size()];
        int i = 0;
        for (Row r : rows) {
          ids[i++] = r.getLong(0);
        }
        Arrays.sort(ids);
        String[] hashes = new String[names.size()];
        Long[] created = new Long[names.size()];
        JsonArray out = new JsonArray();
        for (int j = 0; j < names.size(); j++) {
          hashes[j] = users.getJsonObject(j).getString("passwordHash");
          created[j] = now;
          out.add(new JsonObject().put("id", ids[j]).put("username", names.get(j)));
        }
        return conn.preparedQuery("INSERT INTO users(id, username, password_hash, created_at, name_key) "
            + "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[])")
          .execute(columns(ids, names.toArray(String[]::new), hashes, created, keys.toArray(String[]::new)))
          .map(v -> new JsonObject().put("users", out));
      }), new ServiceException(ErrorCode.USERNAME_TAKEN, "username already taken (created at the same moment)"));
  }

  @Override
  public Future<JsonObject> seedRooms(JsonArray rooms) {
    Long[] ids = new Long[rooms.size()];
    String[] names = new String[rooms.size()];
    for (int i = 0; i < rooms.size(); i++) {
      ids[i] = rooms.getJsonObject(i).getLong("id");
      names[i] = rooms.getJsonObject(i).getString("name");
    }
    return transaction(conn -> conn.preparedQuery("INSERT INTO rooms(id, name, created_at) "
        + "SELECT i, n, $3 FROM unnest($1::bigint[], $2::text[]) AS s(i, n) ON CONFLICT DO NOTHING")
      .execute(Tuple.tuple().addValue(ids).addValue(names).addValue(clock.millis()))
      .map(rows -> new JsonObject().put("created", rows.rowCount())));
  }

  @Override
  public Future<JsonObject> createRoom(String name, long userId) {
    return transaction(conn -> conn.preparedQuery("SELECT 1 FROM rooms WHERE name = $1").execute(Tuple.of(name))
        .compose(rows -> {
          if (rows.size() > 0) {
            throw new ServiceException(ErrorCode.ROOM_EXISTS, "a room named '" + name + "' already exists");
          }
          // seeded rooms take chosen ids, so a new room takes the next free one, one creator at a time
          return conn.query("SELECT pg_advisory_xact_lock(" + PgSchema.ROOM_ID_LOCK + ")").execute();
        })
        .compose(v -> conn.preparedQuery("INSERT INTO rooms(id, name, created_by, created_at) "
          + "SELECT coalesce(max(id), 0) + 1, $1, $2, $3 FROM rooms RETURNING id").execute(Tuple.of(name, userId, clock.millis())))
        .compose(rows -> membership(conn, rows.iterator().next().getLong(0), userId, true)),
      new ServiceException(ErrorCode.ROOM_EXISTS, "a room named '" + name + "' already exists"));
  }

  @Override
  public Future<JsonObject> join(long roomId, long userId) {
    return transaction(conn -> membership(conn, roomId, userId, true));
  }

  @Override
  public Future<JsonObject> leave(long roomId, long userId) {
    return transaction(conn -> membership(conn, roomId, userId, false));
  }

  /** Adds or removes one membership and moves the room's member count in the same statement. */
  private Future<JsonObject> membership(SqlConnection conn, long roomId, long userId, boolean member) {
    String change = member
      ? "INSERT INTO memberships(room_id, user_id, joined_at) SELECT $1, $2, $3 WHERE EXISTS "
      + "(SELECT 1 FROM rooms WHERE id = $1) ON CONFLICT DO NOTHING RETURNING 1"
      : "DELETE FROM memberships WHERE room_id = $1 AND user_id = $2 AND $3::bigint IS NOT NULL RETURNING 1";
    return conn.preparedQuery("WITH changed AS (" + change + ") UPDATE rooms SET members = members "
        + (member ? "+" : "-") + " (SELECT count(*) FROM changed) WHERE id = $1 RETURNING id, name, members, last_seq")
      .execute(Tuple.of(roomId, userId, clock.millis()))
      .map(rows -> {
        if (rows.size() == 0) {
          throw new ServiceException(ErrorCode.ROOM_NOT_FOUND, "no room with id " + roomId);
        }
        Row r = rows.iterator().next();
        return new JsonObject().put("id", r.getLong(0)).put("name", r.getString(1)).put("members", r.getLong(2))
          .put("lastSeq", r.getLong(3));
      });
  }

  @Override
  public Future<AppendReply> append(AppendRequest request) {
    return appender.append(request);
  }

  // ---- reads ----

  @Override
  public Future<JsonObject> findUser(String username) {
    return read("SELECT id, username, password_hash FROM users WHERE name_key = $1", Tuple.of(UserNames.key(username)))
      .map(rows -> {
        if (rows.size() == 0) {
          throw new ServiceException(ErrorCode.USER_NOT_FOUND, "no user named '" + username + "'");
        }
        Row r = rows.iterator().next();
        return new JsonObject().put("id", r.getLong(0)).put("username", r.getString(1))
          .put("passwordHash", r.getString(2));
      });
  }

  @Override
  public Future<JsonObject> listRooms() {
    return read("SELECT id, name, members FROM rooms ORDER BY id", Tuple.tuple()).map(rows -> {
      JsonArray rooms = new JsonArray();
      rows.forEach(r -> rooms.add(new JsonObject().put("id", r.getLong(0)).put("name", r.getString(1))
        .put("members", r.getLong(2))));
      return new JsonObject().put("rooms", rooms);
    });
  }

  @Override
  public Future<JsonObject> isMember(long roomId, long userId) {
    return read("SELECT EXISTS(SELECT 1 FROM rooms WHERE id = $1), "
      + "EXISTS(SELECT 1 FROM memberships WHERE room_id = $1 AND user_id = $2)", Tuple.of(roomId, userId)).map(rows -> {
      Row r = rows.iterator().next();
      if (!r.getBoolean(0)) {
        throw new ServiceException(ErrorCode.ROOM_NOT_FOUND, "no room with id " + roomId);
      }
      return new JsonObject().put("member", r.getBoolean(1));
    });
  }

  @Override
  public Future<JsonObject> history(long roomId, long beforeSeq, int limit) {
    return isMember(roomId, -1).compose(v -> read("SELECT " + COLUMNS + " FROM messages WHERE room_id = $1 AND seq < $2 "
        + "ORDER BY seq DESC LIMIT $3", Tuple.of(roomId, beforeSeq, limit + 1)))
      .map(rows -> Store.page(messages(rows), limit, "seq"));
  }

  @Override
  public Future<JsonObject> since(long roomId, long afterSeq, long afterId, int limit) {
    return isMember(roomId, -1).compose(v -> read("SELECT " + COLUMNS + " FROM messages WHERE room_id = $1 AND seq > $2 "
        + "AND id > $3 ORDER BY seq LIMIT $4", Tuple.of(roomId, afterSeq, afterId, limit + 1)))
      .map(rows -> Store.catchUp(messages(rows), limit));
  }

  @Override
  public Future<JsonObject> search(String typed, Long roomId, long beforeId, int limit) {
    String query = SearchTerms.parse(typed).tsquery(); // a bad query throws: the bus endpoint answers invalid_query
    String sql = "SELECT " + COLUMNS + " FROM messages WHERE to_tsvector('simple', text) @@ to_tsquery('simple', $1) "
      + "AND id < $2" + (roomId == null ? "" : " AND room_id = $4") + " ORDER BY id DESC LIMIT $3";
    Tuple args = roomId == null ? Tuple.of(query, beforeId, limit + 1) : Tuple.of(query, beforeId, limit + 1, roomId);
    return read(sql, args).map(rows -> Store.page(messages(rows), limit, "id"));
  }

  private static List<JsonObject> messages(RowSet<Row> rows) {
    List<JsonObject> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new JsonObject().put("id", r.getLong(0)).put("room", r.getLong(1)).put("seq", r.getLong(2))
        .put("fromId", r.getLong(3)).put("from", r.getString(4)).put("text", r.getString(5)).put("ts", r.getLong(6)));
    }
    return out;
  }

  /**
   * Counting users reads the whole users index, so the count is taken at most every {@link #COUNT_EVERY_MS} (the
   * dashboard asks every second); everything else is exact at every call.
   */
  @Override
  public Future<JsonObject> stats() {
    boolean recount = clock.millis() - countedAt >= COUNT_EVERY_MS;
    return unavailableUnlessClient(pool.query("SELECT " + (recount ? "(SELECT count(*) FROM users)" : "-1")
        + ", (SELECT count(*) FROM rooms), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM message_ids)")
        .execute())
      .compose(rows -> partitions.refresh(pool).map(rows.iterator().next()))
      .map(row -> {
        if (recount) {
          users = row.getLong(0);
          countedAt = clock.millis();
        }
        long lastId = row.getLong(2);
        List<Partitions.Shard> shards = Partitions.inUse(partitions.shards(), lastId);
        long messages = shards.stream().mapToLong(Partitions.Shard::count).sum();
        Partitions.Shard active = Partitions.active(shards, lastId);
        long activeMessages = active == null ? 0 : active.count();
        PgAppender.Figures w = appender.figures();
        JsonObject stats = new JsonObject()
          .put("backend", StorageOptions.POSTGRES)
          .put("store", identity.toJson())
          .put("writable", w.failure() == null)
          .put("refusal", w.failure())
          .put("users", users)
          .put("rooms", row.getLong(1))
          .put("messages", messages)
          .put("lastMessageId", lastId)
          .put("shards", new JsonObject()
            .put("count", shards.size())
            .put("ahead", partitions.shards().size() - shards.size())
            .put("active", active == null ? null : active.table())
            .put("activeMessages", activeMessages)
            .put("maxMessagesPerShard", options.maxMessagesPerShard())
            .put("activeFill", (double) activeMessages / options.maxMessagesPerShard()))
          .put("commits", new JsonObject()
            .put("count", w.commits())
            .put("requests", w.messages())
            .put("avgBatch", w.commits() == 0 ? 0 : (double) w.messages() / w.commits())
            .put("lastBatch", w.lastBatch())
            .put("maxBatch", w.maxBatch())
            .put("avgCommitMs", w.commits() == 0 ? 0 : w.nanos() / 1e6 / w.commits())
            .put("queued", w.queued()));
        lastStats = stats;
        return stats;
      });
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(statsTimer);
    return appender.close().eventually(pool::close);
  }
}
