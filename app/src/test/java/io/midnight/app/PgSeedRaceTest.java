package io.midnight.app;

import io.midnight.storage.PgTestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link SeedRaceTest} with the PostgreSQL backend, on a fresh database of the local server. */
class PgSeedRaceTest extends SeedRaceTest {

  private static PgTestDatabase db;

  @BeforeAll
  static void start() {
    db = PgTestDatabase.create();
    midnight = new InProcessMidnight(dir, UNLIMITED.copy().put("storage", db.storage(new JsonObject())));
  }

  @AfterAll
  static void stop() {
    if (midnight != null) {
      midnight.close();
    }
    db.close();
  }

  @Override
  long[] storedUsers() {
    Row row = db.query("SELECT count(*), count(DISTINCT username), count(DISTINCT id) FROM users").get(0);
    return new long[] {row.getLong(0), row.getLong(1), row.getLong(2)};
  }
}
