package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error a client can cause gets its status and stable code (README, "Errors"), and after each one the
 * server is still up and what was stored is untouched.
 */
class BadInputTest {

  static final String KEY = "a-test-signing-key-that-is-long-enough-for-hs256";

  @TempDir
  static Path dir;
  static InProcessMidnight midnight;
  static Api api;
  static String token;
  static long messagesBefore;

  @BeforeAll
  static void start() {
    midnight = new InProcessMidnight(dir, new JsonObject()
      .put("auth", new JsonObject().put("jwtKey", KEY))
      .put("messages", new JsonObject().put("ratePerSecond", 0.5).put("burst", 3)));
    api = midnight.api;
    token = api.user("careful_user").getString("token");
    assertThat(api.post("/api/rooms/1/join", token, "{}").status()).isEqualTo(200);
    assertThat(api.post("/api/rooms/1/messages", token, new JsonObject().put("text", "kept").put("clientMsgId", "k"))
      .status()).isEqualTo(201);
    messagesBefore = 1;
  }

  @AfterAll
  static void stop() {
    midnight.close();
  }

  @AfterEach
  void serverIsUpAndDataIntact() {
    assertThat(api.get("/health", null).status()).isEqualTo(200);
    JsonObject page = api.get("/api/rooms/1/messages", token).body();
    assertThat(page.getJsonArray("messages")).hasSize((int) messagesBefore);
    assertThat(page.getJsonArray("messages").getJsonObject((int) messagesBefore - 1).getString("text")).isEqualTo("kept");
  }

  private static void expect(Api.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body().encode()).isEqualTo(status);
    assertThat(reply.errorCode()).isEqualTo(code);
    assertThat(reply.body().getJsonObject("error").getString("message")).isNotBlank();
    assertThat(reply.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
  }

  @Test
  void malformedJson() {
    expect(api.post("/api/users", null, "{\"username\": "), 400, "invalid_json");
    expect(api.post("/api/users", null, "[1, 2]"), 400, "invalid_json");
    expect(api.post("/api/rooms/1/messages", token, ""), 400, "invalid_json");
  }

  @Test
  void missingOrWrongFields() {
    expect(api.post("/api/users", null, "{}"), 400, "invalid_request");
    expect(api.post("/api/rooms/1/messages", token, "{\"clientMsgId\": \"x\"}"), 400, "invalid_request");
    expect(api.post("/api/rooms/1/messages", token, "{\"text\": 42}"), 400, "invalid_request");
    expect(api.post("/api/sessions", null, "{\"username\": \"careful_user\"}"), 400, "invalid_request");
    expect(api.post("/api/users/batch", null, "{\"users\": \"nope\"}"), 400, "invalid_request");
    expect(api.get("/api/rooms/abc/messages", token), 400, "invalid_request");
    expect(api.get("/api/rooms/1/messages?limit=100000", token), 400, "invalid_request");
  }

  @Test
  void invalidValues() {
    expect(api.post("/api/users", null, new JsonObject().put("username", "ab")), 400, "invalid_username");
    expect(api.post("/api/users", null, new JsonObject().put("username", "x".repeat(33))), 400, "invalid_username");
    expect(api.post("/api/users", null, new JsonObject().put("username", "has space")), 400, "invalid_username");
    expect(api.post("/api/users", null, new JsonObject().put("username", "shortpw").put("password", "123")), 400,
      "invalid_password");
    expect(api.post("/api/rooms/1/messages", token, new JsonObject().put("text", "   ")), 400, "invalid_text");
    // half of a surrogate pair (JSON allows the escape; UTF-8 cannot store it): refused, not stored as "A?B"
    expect(api.post("/api/rooms/1/messages", token, "{\"text\": \"A\\ud800B\"}"), 400, "invalid_text");
    expect(api.post("/api/rooms/1/messages", token, "{\"text\": \"A\\udc00\"}"), 400, "invalid_text");
    expect(api.post("/api/rooms", token, new JsonObject().put("name", "x".repeat(101))), 400, "invalid_room_name");
    expect(api.get("/api/search?q=%F0%9F%8E%89", token), 400, "invalid_query");
  }

  @Test
  void tooLong() {
    expect(api.post("/api/rooms/1/messages", token, new JsonObject().put("text", "🎉".repeat(2_001))), 413,
      "text_too_long");
    JsonArray users = new JsonArray();
    for (int i = 0; i < 1_001; i++) {
      users.add(new JsonObject().put("username", "overflow_" + i));
    }
    expect(api.post("/api/users/batch", null, new JsonObject().put("users", users)), 413, "batch_too_large");
    expect(api.post("/api/users", null, "{\"username\": \"" + "x".repeat(2 << 20) + "\"}"), 413, "payload_too_large");
    assertThat(api.post("/api/sessions", null, new JsonObject().put("username", "overflow_0").put("password", "whatever1"))
      .status()).isEqualTo(401); // the refused batch created nobody
  }

  @Test
  void unknownRoomAndNotAMember() {
    expect(api.post("/api/rooms/999/messages", token, new JsonObject().put("text", "hi")), 404, "room_not_found");
    expect(api.post("/api/rooms/999/join", token, "{}"), 404, "room_not_found");
    expect(api.get("/api/rooms/999/messages", token), 404, "room_not_found");
    expect(api.post("/api/rooms/2/messages", token, new JsonObject().put("text", "hi")), 403, "not_member");
    expect(api.get("/api/nowhere", token), 404, "not_found");
  }

  @Test
  void badMissingOrExpiredToken() {
    expect(api.get("/api/rooms", null), 401, "unauthorized");
    expect(api.get("/api/rooms", "not.a.token"), 401, "unauthorized");
    JWTAuth otherKey = JWTAuth.create(midnight.vertx, new JWTAuthOptions().addPubSecKey(
      new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-key-that-nobody-configured-on-this-server")));
    expect(api.get("/api/rooms", otherKey.generateToken(new JsonObject().put("sub", "1").put("name", "careful_user"),
      new JWTOptions().setAlgorithm("HS256"))), 401, "unauthorized");
    JWTAuth rightKey = JWTAuth.create(midnight.vertx, new JWTAuthOptions().addPubSecKey(
      new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(KEY)));
    long past = System.currentTimeMillis() / 1000 - 3_600;
    String expired = rightKey.generateToken(new JsonObject().put("sub", "1").put("name", "careful_user")
      .put("iat", past - 60).put("exp", past), new JWTOptions().setAlgorithm("HS256"));
    expect(api.get("/api/rooms", expired), 401, "token_expired");
    expect(api.get("/api/rooms?username=careful_user", null), 401, "unauthorized");
  }

  @Test
  void duplicates() {
    expect(api.post("/api/users", null, new JsonObject().put("username", "careful_user")), 409, "username_taken");
    expect(api.post("/api/users", null, new JsonObject().put("username", "CAREFUL_USER")), 409, "username_taken");
    JsonArray users = new JsonArray().add(new JsonObject().put("username", "fresh_one"))
      .add(new JsonObject().put("username", "careful_user"));
    expect(api.post("/api/users/batch", null, new JsonObject().put("users", users)), 409, "username_taken");
    assertThat(api.post("/api/users", null, new JsonObject().put("username", "fresh_one")).status())
      .as("the refused batch wrote nothing").isEqualTo(201);
    expect(api.post("/api/rooms", token, new JsonObject().put("name", "🎉 New Year Celebration Central")), 409,
      "room_exists");
  }

  @Test
  void rateLimited() {
    String flooder = api.user("flooder").getString("token");
    assertThat(api.post("/api/rooms/3/join", flooder, "{}").status()).isEqualTo(200);
    int accepted = 0;
    Api.Reply last = null;
    for (int i = 0; i < 6; i++) {
      last = api.post("/api/rooms/3/messages", flooder, new JsonObject().put("text", "flood " + i));
      if (last.status() == 201) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(3);
    expect(last, 429, "rate_limited");
    assertThat(last.raw().headers().firstValue("Retry-After")).isPresent();
  }

  /** What the server answers to raw bytes on a new connection, read until it closes it (or 5 s). */
  private static String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", midnight.port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(answer);
      } catch (java.net.SocketTimeoutException keptOpen) {
        // whatever came is the answer
      }
      return answer.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void requestsTheHttpDecoderRefusesGetTheJsonErrorNotA500OrAnEmptyBody() throws Exception {
    String noHost = raw("GET /api/rooms HTTP/1.1\r\n\r\n");
    assertThat(noHost).startsWith("HTTP/1.1 400").contains("\"code\":\"invalid_request\"", "Host header");

    String longUri = raw("GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(longUri).startsWith("HTTP/1.").contains(" 414 ").contains("\"code\":\"uri_too_long\"");

    String badChunk = raw("POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
    assertThat(badChunk).as("the client's malformed body is its error").doesNotContain("500")
      .satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 400"));
  }
}
