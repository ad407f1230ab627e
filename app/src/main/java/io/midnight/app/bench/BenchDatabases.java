package io.midnight.app.bench;

import io.midnight.storage.postgres.PgStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Throwaway databases for {@code midnight bench storage --postgres URL}: one per phase, named
 * {@code midnight_bench_<pid>_<n>}, created through the URL's database and dropped by {@link #dropAll()}.
 */
public final class BenchDatabases {

  private final Vertx vertx;
  private final String adminUrl;
  private final PgConnectOptions admin;
  private final List<String> created = new ArrayList<>();

  public BenchDatabases(Vertx vertx, String adminUrl) {
    this.vertx = vertx;
    this.adminUrl = adminUrl;
    this.admin = PgConnectOptions.fromUri(adminUrl);
  }

  /** A new empty database; answers the {@code storage} config that uses it. Blocking: not on an event loop. */
  public JsonObject create(JsonObject storage) {
    String name = "midnight_bench_" + ProcessHandle.current().pid() + "_" + (created.size() + 1);
    run("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    run("CREATE DATABASE " + name);
    created.add(name);
    return storage.copy().put("backend", "postgres").put("postgres", new JsonObject().put("url", url(name)));
  }

  /** The URL of the newest database. */
  public String newest() {
    return url(created.get(created.size() - 1));
  }

  private String url(String database) {
    return PgStore.withDatabase(adminUrl, database);
  }

  public void dropAll() {
    created.forEach(name -> run("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    created.clear();
  }

  private void run(String sql) {
    Pool pool = PgBuilder.pool().connectingTo(admin).using(vertx).build();
    try {
      pool.query(sql).execute().await();
    } finally {
      pool.close().await();
    }
  }
}
