package io.midnight.bench;

import io.midnight.storage.StorageOptions;
import io.midnight.storage.postgres.PgDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Throwaway databases for {@code midnight bench storage --postgres URL}: one per phase, named
 * {@code midnight_bench_<pid>_<n>}, created through the URL's database and dropped by {@link #dropAll()}.
 */
public final class BenchDatabases {

  private final Vertx vertx;
  private final String adminUrl;
  private final List<String> created = new ArrayList<>();

  public BenchDatabases(Vertx vertx, String adminUrl) {
    this.vertx = vertx;
    this.adminUrl = adminUrl;
  }

  /** A new empty database; answers the {@code storage} config that uses it. Blocking: not on an event loop. */
  public JsonObject create(JsonObject storage) {
    String name = "midnight_bench_" + ProcessHandle.current().pid() + "_" + (created.size() + 1);
    run("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    run("CREATE DATABASE " + name);
    created.add(name);
    return StorageOptions.postgres(storage, url(name));
  }

  /** The URL of the newest database. */
  public String newest() {
    return url(created.get(created.size() - 1));
  }

  private String url(String database) {
    return PgDatabases.withDatabase(adminUrl, database);
  }

  public void dropAll() {
    created.forEach(name -> run("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
    created.clear();
  }

  private void run(String sql) {
    PgDatabases.run(vertx, adminUrl, sql);
  }
}
