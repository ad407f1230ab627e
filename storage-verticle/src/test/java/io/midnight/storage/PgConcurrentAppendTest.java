package io.midnight.storage;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ConcurrentAppendTest} on the PostgreSQL backend, a fresh database per test. */
class PgConcurrentAppendTest extends ConcurrentAppendTest {

  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();

  @Override
  JsonObject storage(JsonObject storage) {
    return database.storage(storage);
  }
}
