package io.midnight.storage.postgres;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

/** Databases made and dropped through an administrative URL: the tests' and the storage bench's fresh ones. */
public final class PgDatabases {

  private PgDatabases() {
  }

  /** {@code url} with its database replaced by {@code database}. */
  public static String withDatabase(String url, String database) {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    return "postgresql://" + o.getUser() + (o.getPassword() == null || o.getPassword().isEmpty() ? ""
      : ":" + o.getPassword()) + "@" + o.getHost() + ":" + o.getPort() + "/" + database;
  }

  /** Runs one statement (CREATE DATABASE, DROP DATABASE ... WITH (FORCE)) at {@code url}. Blocking: not on an event loop. */
  public static void run(Vertx vertx, String url, String sql) {
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
    try {
      pool.query(sql).execute().await();
    } finally {
      pool.close().await();
    }
  }
}
