package io.midnight.app;

import io.midnight.storage.PgTestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** {@link KillNineIT} with the PostgreSQL backend: the server process is killed, the database server is not. */
class PgKillNineIT extends KillNineIT {

  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();

  @Override
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>(super.env());
    env.putAll(database.db().env());
    return env;
  }

  @Override
  Set<String> storedUsernames(Path data) {
    Set<String> names = new HashSet<>();
    database.db().query("SELECT username FROM users").forEach(r -> names.add(r.getString(0)));
    return names;
  }
}
