package io.midnight.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Passwords are stored as slow salted hashes; login proves the password; the signing key stays private. */
class LoginTest {

  @TempDir
  static Path dir;
  static InProcessMidnight midnight;

  @BeforeAll
  static void start() {
    midnight = new InProcessMidnight(dir, new JsonObject());
  }

  @AfterAll
  static void stop() {
    midnight.close();
  }

  @Test
  void passwordLoginIssuesAWorkingTokenAndWrongPasswordsAreRefused() throws Exception {
    Api api = midnight.api;
    Api.Reply created = api.post("/api/users", null, new JsonObject().put("username", "새해_복").put("password",
      "correct horse battery"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().fieldNames()).containsExactlyInAnyOrder("id", "username", "token");

    Api.Reply login = api.post("/api/sessions", null, new JsonObject().put("username", "새해_복")
      .put("password", "correct horse battery"));
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body().getLong("id")).isEqualTo(created.body().getLong("id"));
    assertThat(api.get("/api/rooms", login.body().getString("token")).status()).isEqualTo(200);

    Api.Reply wrong = api.post("/api/sessions", null, new JsonObject().put("username", "새해_복")
      .put("password", "wrong horse battery"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorCode()).isEqualTo("invalid_credentials");
    Api.Reply unknown = api.post("/api/sessions", null, new JsonObject().put("username", "nobody_here")
      .put("password", "whatever123"));
    assertThat(unknown.errorCode()).isEqualTo("invalid_credentials");
    api.user("guest_only");
    Api.Reply guest = api.post("/api/sessions", null, new JsonObject().put("username", "guest_only")
      .put("password", "whatever123"));
    assertThat(guest.errorCode()).isEqualTo("invalid_credentials");

    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("catalog.db") + "?open_mode=1");
         ResultSet rs = db.createStatement().executeQuery("SELECT password_hash FROM users WHERE username = '새해_복'")) {
      String hash = rs.getString(1);
      assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain("horse");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("jwt.key"))))
      .isEqualTo("rw-------");
  }
}
