package io.midnight.storage.postgres;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.ErrorCode;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of appends into PostgreSQL on one connection of its own: requests queue while a transaction is in
 * flight, then up to {@code maxBatch} messages go into the next one, and no request is answered before its COMMIT
 * returned (with {@code synchronous_commit=on}: the WAL is flushed). Replies leave in commit order.
 *
 * <p>Several instances may append to one database: a batch locks its rooms' rows ({@code ORDER BY id}, so two
 * instances never deadlock on them) and takes each room's next seqs from {@code rooms.last_seq} under that lock, so
 * seqs stay gapless and in commit order; ids come from a sequence after the locks, so within a room id order is seq
 * order. An idempotency key stored by another instance meanwhile makes the insert fail (unique), and the batch is
 * run again, now finding the key. Confined to the verticle's context.
 */
final class PgAppender {

  private static final Logger LOG = LoggerFactory.getLogger(PgAppender.class);
  private static final int ATTEMPTS = 5;

  private static final String EXISTING_KEYS = "SELECT k.sender_id, k.client_msg_id, k.id, k.room_id, k.seq, k.ts "
    + "FROM message_keys k JOIN unnest($1::bigint[], $2::text[]) AS q(s, c) ON k.sender_id = q.s AND k.client_msg_id = q.c";
  private static final String LOCK_ROOMS = "SELECT id, last_seq FROM rooms WHERE id = ANY($1) ORDER BY id FOR UPDATE";
  private static final String NEXT_IDS = "SELECT nextval('message_ids') FROM generate_series(1, $1)";
  private static final String INSERT_KEYS = "INSERT INTO message_keys(sender_id, client_msg_id, id, room_id, seq, ts) "
    + "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])";
  private static final String UPDATE_SEQS = "UPDATE rooms r SET last_seq = u.seq "
    + "FROM unnest($1::bigint[], $2::bigint[]) AS u(id, seq) WHERE r.id = u.id";
  private static final String COUNT_SHARDS = "UPDATE shards s SET message_count = s.message_count + u.n "
    + "FROM unnest($1::int[], $2::bigint[]) AS u(shard, n) WHERE s.shard = u.shard";

  private record Pending(AppendRequest request, Promise<AppendReply> promise) {
  }

  private record Key(long sender, String clientMsgId) {
  }

  /** Ids were handed out past the partitions this instance knows: create them, then run the batch again. */
  private static final class NeedPartitions extends RuntimeException {
    final long maxId;

    NeedPartitions(long maxId) {
      super("no partition for message id " + maxId + " yet", null, false, false);
      this.maxId = maxId;
    }
  }

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final Pool pool;
  private final Partitions partitions;
  private final int maxBatch;
  private final Clock clock;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private PgConnection connection;
  private boolean busy;
  private boolean closing;
  private Promise<Void> drained;
  private long lastId;
  private String failure;

  private long commits;
  private long committedMessages;
  private long commitNanos;
  private int lastBatchSize;
  private int maxBatchSize;
  private final DistributionSummary batchSizes = Meters.commitBatchSizes();
  private final Timer commitTimes = Meters.commitTimes();

  PgAppender(Vertx vertx, PgConnectOptions connectOptions, Pool pool, Partitions partitions, int maxBatch, Clock clock) {
    this.vertx = vertx;
    this.connectOptions = connectOptions;
    this.pool = pool;
    this.partitions = partitions;
    this.maxBatch = maxBatch;
    this.clock = clock;
  }

  Future<AppendReply> append(AppendRequest request) {
    if (closing) {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.exception("storage is shutting down"));
    }
    Promise<AppendReply> promise = Promise.promise();
    queue.add(new Pending(request, promise));
    if (!busy) {
      next();
    }
    return promise.future();
  }

  private void next() {
    if (queue.isEmpty()) {
      busy = false;
      if (drained != null) {
        drained.tryComplete();
      }
      return;
    }
    busy = true;
    Future<Void> ready = partitions.behind(lastId)
      ? partitions.maintain(pool, lastId).recover(e -> {
      LOG.warn("cannot add message partitions yet: {}", e.getMessage());
      return Future.succeededFuture();
    })
      : Future.succeededFuture();
    ready.onComplete(v -> {
      List<Pending> batch = take();
      long start = System.nanoTime();
      attempt(batch, 1).onComplete(ar -> {
        if (ar.succeeded()) {
          failure = null;
          record(batch, System.nanoTime() - start);
          List<AppendReply> replies = ar.result();
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).promise().complete(replies.get(i));
          }
        } else {
          failure = "storage write failed: " + ar.cause().getMessage();
          if (ar.cause() instanceof PgException || ar.cause() instanceof ClosedConnectionException
            || ar.cause() instanceof IOException) { // the database's answer or a lost connection: no stack needed
            LOG.error("PostgreSQL append of {} request(s) failed, none acknowledged: {}", batch.size(), failure);
          } else {
            LOG.error("PostgreSQL append of {} request(s) failed; none acknowledged", batch.size(), ar.cause());
          }
          batch.forEach(p -> p.promise().fail(ErrorCode.UNAVAILABLE.exception(failure)));
        }
        next();
      });
    });
  }

  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>();
    int messages = 0;
    while (!queue.isEmpty() && (batch.isEmpty() || messages + queue.peek().request().messages().size() <= maxBatch)) {
      Pending p = queue.poll();
      messages += p.request().messages().size();
      batch.add(p);
    }
    return batch;
  }

  private void record(List<Pending> batch, long nanos) {
    int messages = batch.stream().mapToInt(p -> p.request().messages().size()).sum();
    commits++;
    committedMessages += messages;
    commitNanos += nanos;
    lastBatchSize = messages;
    maxBatchSize = Math.max(maxBatchSize, messages);
    batchSizes.record(messages);
    commitTimes.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Future<List<AppendReply>> attempt(List<Pending> batch, int attempt) {
    return connection().compose(c -> transaction(c, batch)).recover(e -> {
      if (attempt >= ATTEMPTS) {
        return Future.failedFuture(e);
      }
      if (e instanceof NeedPartitions need) {
        return partitions.maintain(pool, need.maxId).compose(v -> attempt(batch, attempt + 1));
      }
      if (PgStore.retryable(e)) {
        return attempt(batch, attempt + 1);
      }
      return Future.failedFuture(e);
    });
  }

  private Future<PgConnection> connection() {
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    return PgConnection.connect(vertx, connectOptions)
      .compose(c -> c.query("SET synchronous_commit TO on").execute().map(c)) // durable before COMMIT returns
      .map(c -> {
        connection = c;
        c.closeHandler(v -> {
          if (connection == c) {
            connection = null;
          }
        });
        return c;
      });
  }

  private Future<List<AppendReply>> transaction(PgConnection c, List<Pending> batch) {
    long[] newLastId = {lastId};
    return c.query("BEGIN").execute()
      .compose(v -> apply(c, batch, newLastId))
      .compose(replies -> c.query("COMMIT").execute().map(v -> {
        lastId = Math.max(lastId, newLastId[0]);
        return replies;
      }))
      .recover(e -> c.query("ROLLBACK").execute().transform(x -> Future.failedFuture(e)));
  }

  /** Runs the batch's statements in the open transaction; answers one reply per request. */
  private Future<List<AppendReply>> apply(PgConnection c, List<Pending> batch, long[] newLastId) {
    List<AppendRequest.Item> items = new ArrayList<>();
    batch.forEach(p -> items.addAll(p.request().messages()));
    Set<Key> keyed = new LinkedHashSet<>();
    TreeSet<Long> roomIds = new TreeSet<>();
    for (AppendRequest.Item m : items) {
      roomIds.add(m.roomId());
      if (m.clientMsgId() != null) {
        keyed.add(new Key(m.senderId(), m.clientMsgId()));
      }
    }
    Future<RowSet<Row>> existing = keyed.isEmpty() ? Future.succeededFuture(null)
      : c.preparedQuery(EXISTING_KEYS).execute(PgStore.columns(
      keyed.stream().map(Key::sender).toArray(Long[]::new),
      keyed.stream().map(Key::clientMsgId).toArray(String[]::new)));
    Future<RowSet<Row>> locked = c.preparedQuery(LOCK_ROOMS).execute(PgStore.columns(roomIds.toArray(Long[]::new)));
    return Future.all(existing, locked).compose(x -> {
      Map<Key, AppendReply.Result> prior = new HashMap<>();
      if (existing.result() != null) {
        for (Row r : existing.result()) {
          prior.put(new Key(r.getLong(0), r.getString(1)),
            AppendReply.Result.ack(r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), true));
        }
      }
      Map<Long, Long> seqs = new TreeMap<>();
      locked.result().forEach(r -> seqs.put(r.getLong(0), r.getLong(1)));
      Plan plan = new Plan(items, prior, seqs, clock.millis());
      if (plan.fresh.isEmpty()) {
        return Future.succeededFuture(replies(batch, plan.results));
      }
      if (partitions.behind(lastId + plan.fresh.size())) { // before nextval, so that ids stay dense
        return Future.failedFuture(new NeedPartitions(lastId + plan.fresh.size()));
      }
      return c.preparedQuery(NEXT_IDS).execute(Tuple.of(plan.fresh.size())).compose(rows -> {
        long[] ids = new long[plan.fresh.size()];
        int k = 0;
        for (Row r : rows) {
          ids[k++] = r.getLong(0);
        }
        Arrays.sort(ids);
        Map<Integer, Long> perShard = new TreeMap<>();
        for (long id : ids) {
          int shard = partitions.shardOf(id);
          if (shard < 0) {
            return Future.failedFuture(new NeedPartitions(ids[ids.length - 1]));
          }
          perShard.merge(shard, 1L, Long::sum);
        }
        newLastId[0] = ids[ids.length - 1];
        return Future.all(plan.write(c, ids), c.preparedQuery(COUNT_SHARDS).execute(PgStore.columns(
            perShard.keySet().toArray(Integer[]::new), perShard.values().toArray(Long[]::new))))
          .map(v -> replies(batch, plan.results));
      });
    });
  }

  /** Which messages are new, which repeat a stored or earlier key, which name no room; and the seqs of the new. */
  private static final class Plan {
    final List<AppendRequest.Item> items;
    final AppendReply.Result[] results;
    final List<Integer> fresh = new ArrayList<>();
    final long[] seq;
    final int[] sameAs;
    final long ts;

    Plan(List<AppendRequest.Item> items, Map<Key, AppendReply.Result> prior, Map<Long, Long> lastSeqs, long ts) {
      this.items = items;
      this.results = new AppendReply.Result[items.size()];
      this.seq = new long[items.size()];
      this.sameAs = new int[items.size()];
      this.ts = ts;
      Map<Key, Integer> firstFresh = new HashMap<>();
      for (int i = 0; i < items.size(); i++) {
        AppendRequest.Item m = items.get(i);
        Key key = m.clientMsgId() == null ? null : new Key(m.senderId(), m.clientMsgId());
        sameAs[i] = -1;
        if (key != null && prior.containsKey(key)) {
          results[i] = prior.get(key);
        } else if (key != null && firstFresh.containsKey(key)) {
          sameAs[i] = firstFresh.get(key);
        } else if (!lastSeqs.containsKey(m.roomId())) {
          results[i] = AppendReply.Result.failure(ErrorCode.ROOM_NOT_FOUND, "no room with id " + m.roomId());
        } else {
          seq[i] = lastSeqs.merge(m.roomId(), 1L, Long::sum);
          fresh.add(i);
          if (key != null) {
            firstFresh.put(key, i);
          }
        }
      }
    }

    /** Inserts the new messages and their keys and moves the rooms' counters; fills in the acks. */
    Future<?> write(PgConnection c, long[] ids) {
      int n = fresh.size();
      Long[] id = new Long[n];
      Long[] room = new Long[n];
      Long[] seqs = new Long[n];
      Long[] sender = new Long[n];
      String[] name = new String[n];
      String[] text = new String[n];
      String[] key = new String[n];
      Long[] tss = new Long[n];
      List<Integer> keyedRows = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        int i = fresh.get(j);
        AppendRequest.Item m = items.get(i);
        id[j] = ids[j];
        room[j] = m.roomId();
        seqs[j] = seq[i];
        sender[j] = m.senderId();
        name[j] = m.sender();
        text[j] = m.text();
        key[j] = m.clientMsgId();
        tss[j] = ts;
        results[i] = AppendReply.Result.ack(ids[j], m.roomId(), seq[i], ts, false);
        if (m.clientMsgId() != null) {
          keyedRows.add(j);
        }
      }
      for (int i = 0; i < items.size(); i++) {
        if (sameAs[i] >= 0) {
          AppendReply.Result first = results[sameAs[i]];
          results[i] = AppendReply.Result.ack(first.id(), first.room(), first.seq(), first.ts(), true);
        }
      }
      List<Future<?>> writes = new ArrayList<>();
      writes.add(c.preparedQuery(PgSchema.INSERT_MESSAGES).execute(PgStore.columns(id, room, seqs, sender, name, text, key, tss)));
      if (!keyedRows.isEmpty()) {
        writes.add(c.preparedQuery(INSERT_KEYS).execute(PgStore.columns(
          keyedRows.stream().map(j -> sender[j]).toArray(Long[]::new),
          keyedRows.stream().map(j -> key[j]).toArray(String[]::new),
          keyedRows.stream().map(j -> id[j]).toArray(Long[]::new),
          keyedRows.stream().map(j -> room[j]).toArray(Long[]::new),
          keyedRows.stream().map(j -> seqs[j]).toArray(Long[]::new),
          keyedRows.stream().map(j -> tss[j]).toArray(Long[]::new))));
      }
      Map<Long, Long> touched = new TreeMap<>();
      for (int j = 0; j < n; j++) {
        touched.merge(room[j], seqs[j], Math::max);
      }
      writes.add(c.preparedQuery(UPDATE_SEQS).execute(PgStore.columns(touched.keySet().toArray(Long[]::new),
        touched.values().toArray(Long[]::new))));
      return Future.all(writes);
    }
  }

  private static List<AppendReply> replies(List<Pending> batch, AppendReply.Result[] results) {
    List<AppendReply> replies = new ArrayList<>(batch.size());
    int at = 0;
    for (Pending p : batch) {
      int size = p.request().messages().size();
      replies.add(new AppendReply(Arrays.asList(results).subList(at, at + size)));
      at += size;
    }
    return replies;
  }

  // ---- figures and shutdown ----

  Figures figures() {
    return new Figures(commits, committedMessages, commitNanos, lastBatchSize, maxBatchSize,
      queue.stream().mapToInt(p -> p.request().messages().size()).sum(), failure);
  }

  /** What {@code stats} reports of the writer; {@code failure} is why the last batch failed, or null. */
  record Figures(long commits, long messages, long nanos, int lastBatch, int maxBatch, int queued, String failure) {
  }

  /** Where the ids stand at start, so that partitions are added before a batch would need them. */
  void resume(long lastStoredId) {
    lastId = Math.max(lastId, lastStoredId);
  }

  /** Stops taking appends, finishes what is queued, closes the connection. */
  Future<Void> close() {
    closing = true;
    drained = Promise.promise();
    if (!busy) {
      drained.tryComplete();
    }
    return drained.future().compose(v -> connection == null ? Future.succeededFuture() : connection.close());
  }
}
