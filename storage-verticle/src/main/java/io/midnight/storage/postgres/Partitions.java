package io.midnight.storage.postgres;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The shards of the PostgreSQL backend: partitions of {@code messages} by id range, {@code size} ids each, listed in
 * the {@code shards} table. Partitions are created ahead of need (always one spare beyond the one being filled; a
 * batch that would pass it waits for the next one to be created first), and retention drops the oldest sealed ones
 * with their idempotency keys. Changes run under an advisory lock, so instances sharing the database never create
 * or drop the same partition twice. Read from the verticle's context only.
 */
final class Partitions {

  private static final Logger LOG = LoggerFactory.getLogger(Partitions.class);

  record Shard(int number, long minId, long maxId, long count) {
    String table() {
      return PgSchema.partition(number);
    }
  }

  private final int size;
  private final int retain;
  private final Clock clock;
  private List<Shard> shards = List.of();

  Partitions(int size, int retain, Clock clock) {
    this.size = size;
    this.retain = retain;
    this.clock = clock;
  }

  List<Shard> shards() {
    return shards;
  }

  /** The shard holding {@code id}, or -1 when no partition covers it (yet, as far as this instance knows). */
  int shardOf(long id) {
    for (int i = shards.size() - 1; i >= 0; i--) {
      Shard s = shards.get(i);
      if (id >= s.minId() && id <= s.maxId()) {
        return s.number();
      }
    }
    return -1;
  }

  /** Whether partitions must be added before ids up to {@code lastId} can be stored with a spare one ahead. */
  boolean behind(long lastId) {
    return shards.isEmpty() || shards.get(shards.size() - 1).maxId() < lastId + size;
  }

  /** Shards up to the one being filled; the spares created ahead are not counted. */
  static List<Shard> inUse(List<Shard> shards, long lastId) {
    Shard active = active(shards, lastId);
    return active == null ? List.of() : shards.stream().filter(s -> s.number() <= active.number()).toList();
  }

  /** The shard being filled: the one holding {@code lastId}, or the first while nothing is stored. */
  static Shard active(List<Shard> shards, long lastId) {
    for (Shard s : shards) {
      if (lastId <= s.maxId()) {
        return s;
      }
    }
    return shards.isEmpty() ? null : shards.get(shards.size() - 1);
  }

  /** Re-reads the list (another instance may have added or dropped partitions). */
  Future<Void> refresh(SqlClient client) {
    return client.query("SELECT shard, min_id, max_id, message_count FROM shards ORDER BY shard").execute()
      .map(rows -> {
        List<Shard> list = new ArrayList<>();
        for (Row r : rows) {
          list.add(new Shard(r.getInteger(0), r.getLong(1), r.getLong(2), r.getLong(3)));
        }
        shards = List.copyOf(list);
        return null;
      });
  }

  /** Creates what is missing past {@code lastId} and applies retention, in one transaction. */
  Future<Void> maintain(Pool pool, long lastId) {
    return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + PgSchema.PARTITION_LOCK + ")")
        .execute()
        .compose(v -> conn.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM message_ids").execute())
        .compose(rows -> {
          long last = Math.max(lastId, rows.iterator().next().getLong(0));
          return refresh(conn).compose(v -> create(conn, last)).compose(v -> retention(conn, last));
        }))
      .compose(v -> refresh(pool));
  }

  private Future<Void> create(SqlConnection conn, long lastId) {
    Future<Void> chain = Future.succeededFuture();
    int number = shards.isEmpty() ? 0 : shards.get(shards.size() - 1).number();
    long max = shards.isEmpty() ? 0 : shards.get(shards.size() - 1).maxId();
    while (max < lastId + size) {
      int next = ++number;
      long from = max + 1;
      long to = max + size;
      max = to;
      chain = chain
        .compose(v -> conn.query("CREATE TABLE " + PgSchema.partition(next) + " PARTITION OF messages FOR VALUES FROM ("
          + from + ") TO (" + (to + 1) + ")").execute())
        .compose(v -> conn.query("INSERT INTO shards(shard, min_id, max_id, created_at) VALUES(" + next + ", " + from
          + ", " + to + ", " + clock.millis() + ")").execute())
        .map(v -> {
          LOG.info("created partition {} for message ids {}..{}", PgSchema.partition(next), from, to);
          return null;
        });
    }
    return chain;
  }

  /** Drops the oldest sealed partitions beyond {@code retain} (0 keeps all), and the keys of their messages. */
  private Future<Void> retention(SqlConnection conn, long lastId) {
    if (retain == 0) {
      return Future.succeededFuture();
    }
    Shard active = active(shards, lastId);
    List<Shard> sealed = shards.stream().filter(s -> s.maxId() < active.minId()).toList();
    Future<Void> chain = Future.succeededFuture();
    for (Shard s : sealed.subList(0, Math.max(0, sealed.size() - retain))) {
      chain = chain
        .compose(v -> conn.query("DROP TABLE " + s.table()).execute())
        .compose(v -> conn.query("DELETE FROM message_keys WHERE id BETWEEN " + s.minId() + " AND " + s.maxId()).execute())
        .compose(v -> conn.query("DELETE FROM shards WHERE shard = " + s.number()).execute())
        .map(v -> {
          LOG.info("retention dropped partition {} ({} messages, ids {}..{})", s.table(), s.count(), s.minId(), s.maxId());
          return null;
        });
    }
    return chain;
  }
}
