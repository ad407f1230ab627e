package io.midnight.storage.postgres;

import io.midnight.storage.LegacyNameKeys;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL schema and its migrations. {@link #MIGRATIONS} only grows: entry {@code i} takes the schema from
 * version {@code i} to {@code i + 1}. Every start applies what the database lacks, in one transaction under an
 * advisory lock, so storage instances starting together migrate once.
 */
public final class PgSchema {

  private static final Logger LOG = LoggerFactory.getLogger(PgSchema.class);

  /** Advisory lock keys (one namespace for Midnight's locks). */
  static final long MIGRATION_LOCK = 0x4d49444e_0001L;
  static final long PARTITION_LOCK = 0x4d49444e_0002L;
  static final long ROOM_ID_LOCK = 0x4d49444e_0003L;

  /** One step of a migration: a statement, or work in Java (computing values SQL cannot). */
  private interface Step {
    Future<Void> apply(SqlConnection conn);
  }

  private static final List<List<Step>> MIGRATIONS = List.of(sql(
    """
    CREATE TABLE users(
      id bigint PRIMARY KEY,
      username text NOT NULL,
      password_hash text,
      created_at bigint NOT NULL)""",
    "CREATE UNIQUE INDEX users_username ON users(lower(username))",
    "CREATE SEQUENCE user_ids",
    // last_seq is the room's counter: appends take it under the row lock, so seqs stay gapless across instances
    """
    CREATE TABLE rooms(
      id bigint PRIMARY KEY,
      name text NOT NULL UNIQUE,
      created_by bigint,
      created_at bigint NOT NULL,
      last_seq bigint NOT NULL DEFAULT 0,
      members bigint NOT NULL DEFAULT 0)""",
    """
    CREATE TABLE memberships(
      room_id bigint NOT NULL REFERENCES rooms(id),
      user_id bigint NOT NULL,
      joined_at bigint NOT NULL,
      PRIMARY KEY(room_id, user_id))""",
    "CREATE INDEX memberships_user ON memberships(user_id)",
    "CREATE SEQUENCE message_ids",
    // one partition per shard: ranges of ids, created ahead of need, dropped by retention
    """
    CREATE TABLE messages(
      id bigint NOT NULL,
      room_id bigint NOT NULL,
      seq bigint NOT NULL,
      sender_id bigint NOT NULL,
      sender text NOT NULL,
      text text NOT NULL,
      client_msg_id text,
      ts bigint NOT NULL) PARTITION BY RANGE (id)""",
    "CREATE INDEX messages_room_seq ON messages(room_id, seq)",
    "CREATE INDEX messages_text ON messages USING gin(to_tsvector('simple', text))",
    // idempotency across instances and restarts; pruned with the partition its message lived in
    """
    CREATE TABLE message_keys(
      sender_id bigint NOT NULL,
      client_msg_id text NOT NULL,
      id bigint NOT NULL,
      room_id bigint NOT NULL,
      seq bigint NOT NULL,
      ts bigint NOT NULL,
      PRIMARY KEY(sender_id, client_msg_id))""",
    "CREATE INDEX message_keys_id ON message_keys(id)",
    """
    CREATE TABLE shards(
      shard int PRIMARY KEY,
      min_id bigint NOT NULL,
      max_id bigint NOT NULL,
      message_count bigint NOT NULL DEFAULT 0,
      created_at bigint NOT NULL)"""),
    // usernames unique by their lookalike key (UserNames.key), which only Java computes
    List.of(sql("ALTER TABLE users ADD COLUMN name_key text").get(0), PgSchema::fillNameKeys,
      sql("CREATE UNIQUE INDEX users_name_key ON users(name_key)").get(0)),
    // the store's identity, which tokens name (StoreIdentity): born with its oldest user when it has one
    List.of(sql("CREATE TABLE IF NOT EXISTS store(id text NOT NULL, created_at bigint NOT NULL)").get(0), conn -> conn
      .preparedQuery("INSERT INTO store(id, created_at) SELECT $1, born FROM (SELECT coalesce(least(min(created_at), "
        + "$2), $2) AS born FROM users) oldest WHERE NOT EXISTS (SELECT 1 FROM store)")
      .execute(Tuple.of(UUID.randomUUID().toString(), System.currentTimeMillis())).mapEmpty())
  );

  /** Messages of one batch, one array per column. */
  public static final String INSERT_MESSAGES = "INSERT INTO messages(id, room_id, seq, sender_id, sender, text, "
    + "client_msg_id, ts) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], "
    + "$6::text[], $7::text[], $8::bigint[])";

  private PgSchema() {
  }

  /** Brings the database to the newest version; answers the version found. */
  static Future<Integer> migrate(Pool pool) {
    return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")").execute()
      .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS midnight_schema(version int NOT NULL)").execute())
      .compose(v -> conn.query("SELECT max(version) FROM midnight_schema").execute())
      .compose(rows -> {
        Row row = rows.iterator().next();
        int found = row.getInteger(0) == null ? 0 : row.getInteger(0);
        if (found > MIGRATIONS.size()) {
          return Future.failedFuture(new IllegalStateException("the database has Midnight schema version " + found
            + ", newer than this build knows (" + MIGRATIONS.size() + "): run a newer Midnight"));
        }
        Future<Void> chain = Future.succeededFuture();
        for (int v = found; v < MIGRATIONS.size(); v++) {
          for (Step step : MIGRATIONS.get(v)) {
            chain = chain.compose(x -> step.apply(conn));
          }
        }
        int target = MIGRATIONS.size();
        return chain.compose(x -> found == target ? Future.succeededFuture()
            : run(conn, "DELETE FROM midnight_schema").compose(y -> run(conn, "INSERT INTO midnight_schema VALUES(" + target + ")")))
          .map(x -> {
            if (found < target) {
              LOG.info("PostgreSQL schema migrated from version {} to {}", found, target);
            }
            return found;
          });
      }));
  }

  private static List<Step> sql(String... statements) {
    return Arrays.stream(statements).<Step>map(statement -> conn -> run(conn, statement)).toList();
  }

  /** Computes {@code name_key} of the users made before it existed ({@link LegacyNameKeys}). */
  private static Future<Void> fillNameKeys(SqlConnection conn) {
    return conn.query("SELECT id, username FROM users ORDER BY id").execute().compose(rows -> {
      LegacyNameKeys keys = new LegacyNameKeys();
      List<Tuple> updates = new ArrayList<>();
      for (Row row : rows) {
        updates.add(Tuple.of(keys.keyFor(row.getLong(0), row.getString(1)), row.getLong(0)));
      }
      return updates.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery("UPDATE users SET name_key = $1 WHERE id = $2").executeBatch(updates).mapEmpty();
    });
  }

  private static Future<Void> run(SqlConnection conn, String sql) {
    return conn.query(sql).execute().mapEmpty();
  }

  static String partition(int shard) {
    return String.format("messages_%06d", shard);
  }
}
