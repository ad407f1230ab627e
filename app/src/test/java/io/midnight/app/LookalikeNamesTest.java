package io.midnight.app;

import io.midnight.storage.PgTestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usernames that look alike cannot both exist (NFKC, case folding and TR39 skeletons, by ICU), names mixing
 * scripts like lookalikes are refused, and a store made before name keys existed gets them at start, keeping every
 * account; on the real server, on SQLite and on PostgreSQL.
 */
class LookalikeNamesTest {

  @TempDir
  Path dir;

  static JsonObject name(String username) {
    return new JsonObject().put("username", username);
  }

  static void lookalikesAreOneName(Api api) {
    JsonObject emile = api.post("/api/users", null, name("Émile")).body();
    assertThat(emile.getString("username")).isEqualTo("Émile");
    assertThat(api.post("/api/users", null, name("émile")).errorCode()).isEqualTo("username_taken");
    assertThat(api.post("/api/users", null, name("E\u0301MILE")).errorCode()).isEqualTo("username_taken");
    assertThat(api.post("/api/users", null, name("Æron")).status()).isEqualTo(201);
    assertThat(api.post("/api/users", null, name("æron")).errorCode()).isEqualTo("username_taken");

    Api.Reply fullwidth = api.post("/api/users", null, name("Ａdmin"));
    assertThat(fullwidth.status()).isEqualTo(201);
    assertThat(fullwidth.body().getString("username")).as("stored in NFKC").isEqualTo("Admin");
    assertThat(api.post("/api/users", null, name("admin")).errorCode()).isEqualTo("username_taken");
    assertThat(api.post("/api/users", null, name("сосо")).status()).as("all-Cyrillic, alone").isEqualTo(201);
    assertThat(api.post("/api/users", null, name("coco")).errorCode()).as("its Latin lookalike")
      .isEqualTo("username_taken");

    Api.Reply mixed = api.post("/api/users", null, name("аdmin2"));
    assertThat(mixed.status()).isEqualTo(400);
    assertThat(mixed.errorCode()).isEqualTo("invalid_username");
    assertThat(mixed.body().getJsonObject("error").getString("message")).contains("mixes scripts");
    assertThat(api.post("/api/users", null, name("새해_복")).status()).isEqualTo(201);
    assertThat(api.post("/api/users", null, name("김Kim")).status()).as("Hangul with Latin is everyday Korean")
      .isEqualTo(201);

    api.post("/api/users", null, name("Łucja").put("password", "correct horse battery"));
    assertThat(api.post("/api/sessions", null, name("ŁUCJA").put("password", "correct horse battery")).status())
      .as("a name signs in in any case").isEqualTo(200);
  }

  @Test
  void onSqlite() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      lookalikesAreOneName(midnight.api);
    }
  }

  @Test
  void onPostgres() {
    try (PgTestDatabase db = PgTestDatabase.create();
         InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject()
           .put("storage", db.storage(new JsonObject())))) {
      lookalikesAreOneName(midnight.api);
    }
  }

  /** Two lookalikes made before keys existed: both keep their accounts, the first keeps its name. */
  static void legacyLookalikesKeepTheirAccounts(Api api, String firstToken, String secondToken) {
    assertThat(api.get("/api/rooms", firstToken).status()).isEqualTo(200);
    assertThat(api.get("/api/rooms", secondToken).status()).as("the later lookalike's token still works")
      .isEqualTo(200);
    assertThat(api.post("/api/sessions", null, name("LEGACY_Ü").put("password", "first password")).status())
      .as("the first signs in by name").isEqualTo(200);
    assertThat(api.post("/api/users", null, name("Legacy_ü")).errorCode()).isEqualTo("username_taken");
  }

  @Test
  void aSqliteCatalogFromBeforeNameKeysGetsThemAtStart() throws Exception {
    String first;
    String second;
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      first = midnight.api.post("/api/users", null, name("legacy_ü").put("password", "first password")).body()
        .getString("token");
      second = midnight.api.post("/api/users", null, name("legacy_x")).body().getString("token");
    }
    // the catalog as an older version left it: no name_key, and a lookalike it could not tell apart (ü decomposed)
    sqlite(dir.resolve("catalog.db"), st -> {
      exec(st, "DROP INDEX users_name_key");
      exec(st, "ALTER TABLE users DROP COLUMN name_key");
      exec(st, "UPDATE users SET username = 'legacy_u\u0308' WHERE username = 'legacy_x'");
    });
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      legacyLookalikesKeepTheirAccounts(midnight.api, first, second);
    }
  }

  @Test
  void aPostgresDatabaseFromBeforeNameKeysGetsThemAtStart() {
    try (PgTestDatabase db = PgTestDatabase.create()) {
      JsonObject config = new JsonObject().put("storage", db.storage(new JsonObject()));
      String first;
      String second;
      try (InProcessMidnight midnight = new InProcessMidnight(dir, config)) {
        first = midnight.api.post("/api/users", null, name("legacy_ü").put("password", "first password")).body()
          .getString("token");
        second = midnight.api.post("/api/users", null, name("legacy_x")).body().getString("token");
      }
      db.query("DROP INDEX users_name_key");
      db.query("ALTER TABLE users DROP COLUMN name_key");
      db.query("UPDATE users SET username = 'legacy_u\u0308' WHERE username = 'legacy_x'");
      db.query("UPDATE midnight_schema SET version = 1");
      try (InProcessMidnight midnight = new InProcessMidnight(dir, config)) {
        legacyLookalikesKeepTheirAccounts(midnight.api, first, second);
      }
      assertThat(db.query("SELECT count(*) FROM store").get(0).getLong(0)).as("migrating again keeps one identity")
        .isEqualTo(1);
    }
  }

  static void sqlite(Path file, Consumer<Statement> work) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = db.createStatement()) {
      work.accept(st);
    }
  }

  static void exec(Statement st, String sql) {
    try {
      st.execute(sql);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(sql, e);
    }
  }
}
