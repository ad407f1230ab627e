package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password guessing and hashing floods against the real server (real PBKDF2, 600,000 iterations): wrong passwords
 * for one user are slowed down, hashes per source address are bounded, a batch cannot ask for many hashes, and a
 * full hash queue refuses at once. Each test has a server of its own, so the throttles start full.
 */
class LoginThrottleTest {

  @TempDir
  Path dir;
  InProcessMidnight midnight;

  @AfterEach
  void stop() {
    if (midnight != null) {
      midnight.close();
    }
  }

  Api start(JsonObject users) {
    midnight = new InProcessMidnight(dir, new JsonObject().put("users", users));
    return midnight.api;
  }

  static JsonObject login(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  @Test
  void wrongPasswordsInARowForOneUserAreRefusedWithTheWaitThenTheUserStillSignsInLater() {
    Api api = start(new JsonObject().put("loginFailureRefillSeconds", 3));
    assertThat(api.post("/api/users", null, login("guessed_at", "right password")).status()).isEqualTo(201);
    List<Integer> statuses = new ArrayList<>();
    Api.Reply last = null;
    for (int i = 0; i < 8; i++) {
      last = api.post("/api/sessions", null, login("guessed_at", "wrong guess " + i));
      statuses.add(last.status());
    }
    assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 429, 429, 429);
    assertThat(last.errorCode()).isEqualTo("rate_limited");
    long retryAfterMs = last.body().getJsonObject("error").getLong("retryAfterMs");
    assertThat(retryAfterMs).isBetween(1L, 3_000L);
    assertThat(last.raw().headers().firstValue("Retry-After")).hasValue(String.valueOf((retryAfterMs + 999) / 1000));
    assertThat(api.post("/api/sessions", null, login("guessed_at", "right password")).status())
      .as("while slowed down, even the right password waits").isEqualTo(429);
    assertThat(api.post("/api/users", null, login("someone_else", "another password")).status())
      .as("other users are not slowed down").isEqualTo(201);
    assertThat(api.post("/api/sessions", null, login("someone_else", "another password")).status()).isEqualTo(200);

    await(retryAfterMs);
    assertThat(api.post("/api/sessions", null, login("guessed_at", "right password")).status())
      .as("after the wait the user signs in").isEqualTo(200);
    assertThat(api.post("/api/sessions", null, login("guessed_at", "wrong again")).status())
      .as("a success gave the attempts back").isEqualTo(401);
  }

  @Test
  void aFloodOfGuessersFromOneAddressGetsTheAddressBudgetOfHashesAndNoMore() {
    Api api = start(new JsonObject().put("hashRefillSeconds", 60));
    Map<Integer, Long> statuses = concurrently(60, i -> login("user_" + (i % 20), "guess " + i), "/api/sessions",
      midnight.port);
    assertThat(statuses.getOrDefault(401, 0L)).as("hashes computed: the address's budget of 10 (%s)", statuses)
      .isEqualTo(10);
    assertThat(statuses.getOrDefault(429, 0L)).isEqualTo(50);
    assertThat(api.post("/api/users", null, login("late_signup", "a password")).errorCode())
      .as("sign-ups with a password spend the same budget").isEqualTo("rate_limited");
    assertThat(api.post("/api/users", null, new JsonObject().put("username", "guest_signup")).status())
      .as("a user without a password costs no hash").isEqualTo(201);
  }

  @Test
  void aBatchMayHoldAFewUsersWithAPasswordAndAnyNumberWithout() {
    Api api = start(new JsonObject());
    JsonArray five = new JsonArray();
    for (int i = 0; i < 5; i++) {
      five.add(login("batch_pw_" + i, "password " + i));
    }
    Api.Reply refused = api.post("/api/users/batch", null, new JsonObject().put("users", five));
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.errorCode()).isEqualTo("batch_too_large");
    assertThat(refused.body().getJsonObject("error").getString("message")).contains("at most 4 users with a password");

    JsonArray mixed = new JsonArray();
    for (int i = 0; i < 1_000; i++) {
      mixed.add(i < 4 ? login("mixed_" + i, "password " + i) : new JsonObject().put("username", "mixed_" + i));
    }
    Api.Reply created = api.post("/api/users/batch", null, new JsonObject().put("users", mixed));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getJsonArray("users")).hasSize(1_000);
    assertThat(api.post("/api/sessions", null, login("mixed_3", "password 3")).status()).isEqualTo(200);
  }

  @Test
  void aFullHashQueueRefusesAtOnceWithUnavailable() {
    start(new JsonObject().put("hashThreads", 1).put("maxQueuedHashes", 2).put("hashesPerAddress", 100)
      .put("maxPasswordsPerBatch", 4));
    Map<Integer, Long> statuses = concurrently(12, i -> login("queued_" + i, "guess"), "/api/sessions",
      midnight.port);
    assertThat(statuses.getOrDefault(503, 0L)).as("refused by the full queue: %s", statuses).isGreaterThan(0);
    assertThat(statuses.getOrDefault(401, 0L)).as("the queue's worth was hashed: %s", statuses).isGreaterThan(0);
    assertThat(statuses.keySet()).containsOnly(401, 503);
  }

  /** {@code count} POSTs sent at once; how many got each status. */
  static Map<Integer, Long> concurrently(int count, Function<Integer, JsonObject> body, String path, int port) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      replies.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.apply(i).encode())).build(),
        HttpResponse.BodyHandlers.ofString()));
    }
    return replies.stream().map(CompletableFuture::join)
      .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
  }

  static void await(long millis) {
    try {
      Thread.sleep(millis + 50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
