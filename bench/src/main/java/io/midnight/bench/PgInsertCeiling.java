package io.midnight.bench;

import io.midnight.common.BusCodecs;
import io.midnight.storage.StorageVerticle;
import io.midnight.storage.postgres.PgSchema;
import io.midnight.storage.postgres.PgStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;

/**
 * The ceiling for the PostgreSQL backend's appends on this machine: the same rows into the same partitioned,
 * indexed {@code messages} table, 1,000 per transaction with one {@code INSERT ... SELECT unnest(...)}, one
 * transaction after another on one connection; no seqs, no idempotency keys, no bus, no replies.
 */
public final class PgInsertCeiling {

  private static final int ROWS = 1_000;
  private final Vertx vertx;
  private final BenchDatabases databases;
  private final int count;

  public PgInsertCeiling(Vertx vertx, BenchDatabases databases, int count) {
    this.vertx = vertx;
    this.databases = databases;
    this.count = count;
  }

  /** Rows per second. Blocking: not on an event loop. */
  public double run() {
    // the storage verticle makes the schema; one partition wide enough for every row
    BusCodecs.register(vertx);
    JsonObject storage = databases.create(new JsonObject().put("maxMessagesPerShard", count + 1));
    String id = vertx.deployVerticle(new StorageVerticle(), new DeploymentOptions()
      .setConfig(new JsonObject().put("storage", storage))).await();
    vertx.undeploy(id).await();
    PgConnection c = PgConnection.connect(vertx, PgConnectOptions.fromUri(databases.newest())).await();
    try {
      c.query("SET synchronous_commit TO on").execute().await();
      long start = System.nanoTime();
      for (int done = 0; done < count; done += ROWS) {
        Long[] ids = new Long[ROWS];
        Long[] rooms = new Long[ROWS];
        Long[] seqs = new Long[ROWS];
        Long[] senders = new Long[ROWS];
        String[] names = new String[ROWS];
        String[] texts = new String[ROWS];
        String[] keys = new String[ROWS];
        Long[] ts = new Long[ROWS];
        for (int i = 0; i < ROWS; i++) {
          int n = done + i;
          ids[i] = (long) n + 1;
          rooms[i] = 1L + n % 50;
          seqs[i] = 1L + n / 50;
          senders[i] = 1L + n % 1_000;
          names[i] = "bench-" + n % 1_000;
          texts[i] = "Happy New Year #" + n + " tag" + n % 1_000;
          keys[i] = "bench-" + n;
          ts[i] = System.currentTimeMillis();
        }
        c.query("BEGIN").execute().await();
        c.preparedQuery(PgSchema.INSERT_MESSAGES).execute(PgStore.columns(ids, rooms, seqs, senders, names, texts, keys, ts))
          .await();
        c.query("COMMIT").execute().await();
      }
      double perSecond = count / ((System.nanoTime() - start) / 1e9);
      System.out.printf("  %-40s %,12.0f /s  (%,d rows)%n", "bare INSERT, 1,000 rows per transaction", perSecond, count);
      return perSecond;
    } finally {
      c.close().await();
    }
  }
}
