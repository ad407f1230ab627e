package io.midnight.storage;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link IdempotencyTest} on the PostgreSQL backend, a fresh database per test. */
class PgIdempotencyTest extends IdempotencyTest {

  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();

  @Override
  JsonObject storage(JsonObject storage) {
    return database.storage(storage);
  }
}
