package io.midnight.storage;

import io.midnight.storage.postgres.PgDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fresh databases on the PostgreSQL server the tests may use: {@code MIDNIGHT_TEST_PG_URL}, by default this
 * machine's {@code postgresql://postgres@127.0.0.1:5432/postgres}. Without a reachable server the tests that need it
 * are skipped, saying why, unless {@code MIDNIGHT_TEST_REQUIRE_PG} is set (CI sets it): then they fail.
 */
public final class PgTestDatabase implements AutoCloseable {

  public static final String ADMIN_URL = System.getenv().getOrDefault("MIDNIGHT_TEST_PG_URL",
    "postgresql://postgres@127.0.0.1:5432/postgres");

  private static volatile boolean warned;
  private final String name;

  private PgTestDatabase(String name) {
    this.name = name;
  }

  /** Creates an empty database named {@code midnight_test_<random>}. */
  public static PgTestDatabase create() {
    String name = "midnight_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + name, true);
    return new PgTestDatabase(name);
  }

  /** The URL of this database, for {@code storage.postgres.url}. */
  public String url() {
    return PgDatabases.withDatabase(ADMIN_URL, name);
  }

  /** {@code storage} config with this database as the backend. */
  public JsonObject storage(JsonObject storage) {
    return StorageOptions.postgres(storage, url());
  }

  /** The environment that makes a Midnight process store in this database. */
  public Map<String, String> env() {
    return Map.of("MIDNIGHT_STORAGE_BACKEND", "postgres", "MIDNIGHT_STORAGE_POSTGRES_URL", url());
  }

  /** Runs one query against this database and answers its rows (test thread only). */
  public List<Row> query(String sql, Object... args) {
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url())).using(vertx).build();
    try {
      List<Row> rows = new ArrayList<>();
      pool.preparedQuery(sql).execute(Tuple.wrap(Arrays.asList(args))).await().forEach(rows::add);
      return rows;
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A test's database, created on first use and dropped after the test's own {@code @AfterEach} methods (which
   * close what used it). Register it as an instance field: {@code @RegisterExtension final PerTest database = ...}.
   */
  public static final class PerTest implements AfterEachCallback {
    private PgTestDatabase db;

    /** {@code storage} config pointing at this test's database. */
    public JsonObject storage(JsonObject storage) {
      return db().storage(storage);
    }

    public PgTestDatabase db() {
      if (db == null) {
        db = create();
      }
      return db;
    }

    @Override
    public void afterEach(ExtensionContext context) {
      if (db != null) {
        db.close();
        db = null;
      }
    }
  }

  @Override
  public void close() {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", false);
  }

  private static void admin(String statement, boolean skipWhenUnreachable) {
    Vertx vertx = Vertx.vertx();
    try {
      PgDatabases.run(vertx, ADMIN_URL, statement);
    } catch (Exception e) { // await() rethrows the connection's IOException as it is
      if (skipWhenUnreachable && System.getenv("MIDNIGHT_TEST_REQUIRE_PG") == null) {
        String why = "PostgreSQL is not reachable at " + ADMIN_URL + " (" + e.getMessage() + "): the PostgreSQL "
          + "backend tests are skipped; start PostgreSQL or set MIDNIGHT_TEST_PG_URL";
        if (!warned) {
          warned = true;
          System.err.println("WARNING: " + why);
        }
        Assumptions.abort(why);
      }
      throw new IllegalStateException("PostgreSQL at " + ADMIN_URL + ": " + e.getMessage(), e);
    } finally {
      vertx.close().await();
    }
  }
}
