package io.midnight.users;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.common.Fields;
import io.midnight.common.auth.SigningKey;
import io.midnight.common.auth.StoreIdentity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The real {@link UserServiceVerticle} against a {@link FakeStorage} on the bus: sign-ups and their tokens, password
 * hashes and logins, the login and hashing throttles, the hash queue's bound, the refusal of bad input before it
 * reaches storage, and the membership announcements the message service's cache relies on. Hashes are real
 * (PBKDF2 at the minimum 600,000 iterations, a fraction of a second each), so the tests ask for few.
 */
@ExtendWith(VertxExtension.class)
class UserServiceVerticleTest {

  static final String KEY = "a-test-key-of-at-least-32-bytes-for-hs256";
  static final long TTL = 3_600;
  static final String PASSWORD = "correct horse battery";

  @TempDir
  Path dir;
  Vertx vertx;
  FakeStorage storage;
  final List<JsonObject> announced = new CopyOnWriteArrayList<>();

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.MEMBERSHIP_CHANGED, m -> announced.add(m.body())).completion()
      .await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  Future<String> deploy(JsonObject users, JsonObject auth, boolean storeSaysWhichItIs) {
    storage = new FakeStorage(storeSaysWhichItIs);
    vertx.deployVerticle(storage).await();
    JsonObject config = new JsonObject().put("dataDir", dir.toString()).put("auth", auth)
      .put("users", users.copy().put("tokenTtlSeconds", TTL));
    return vertx.deployVerticle(new UserServiceVerticle(), new DeploymentOptions().setConfig(config));
  }

  void start(JsonObject users) {
    deploy(users, new JsonObject().put("jwtKey", KEY), true).await();
  }

  // ---- start ----

  @Test
  void startSeedsTheNewYearRooms() {
    start(new JsonObject());
    assertThat(storage.received(Addresses.STORAGE_ROOMS_SEED)).hasSize(1);
    JsonArray rooms = storage.received(Addresses.STORAGE_ROOMS_SEED).get(0).getJsonArray("rooms");
    assertThat(rooms).hasSize(NewYearRooms.NAMES.size());
    for (int i = 0; i < rooms.size(); i++) {
      assertThat(rooms.getJsonObject(i)).as("stable ids 1..8")
        .isEqualTo(new JsonObject().put("id", i + 1).put("name", NewYearRooms.NAMES.get(i)));
    }
  }

  @Test
  void aStorageThatDoesNotSayWhichStoreItIsStopsTheStart() {
    // tokens name their store: without the store's id none could be issued
    assertThatThrownBy(() -> deploy(new JsonObject(), new JsonObject().put("jwtKey", KEY), false).await())
      .hasMessageContaining("storage did not say which store it is");
    assertThat(storage.received(Addresses.STORAGE_ROOMS_SEED)).as("it stopped before seeding").isEmpty();
  }

  // ---- sign-up and tokens ----

  @Test
  void aGuestSignsUpWithoutAPasswordAndGetsATokenOfThisStore() {
    start(new JsonObject());
    JsonObject created = request(Addresses.USERS_CREATE, new JsonObject().put("username", "Ｍｉｄｎｉｇｈｔ_fan"));
    assertThat(created.fieldNames()).containsExactlyInAnyOrder("id", "username", "token");
    assertThat(created.getString("username")).as("stored in NFKC").isEqualTo("Midnight_fan");
    assertThat(storage.received(Addresses.STORAGE_USERS_CREATE)).containsExactly(new JsonObject().put("users",
      new JsonArray().add(new JsonObject().put("username", "Midnight_fan").putNull("passwordHash"))));

    User user = verify(created.getString("token"), KEY);
    assertThat(user.principal().getString("sub")).isEqualTo(String.valueOf(created.getLong("id")));
    assertThat(user.principal().getString("name")).isEqualTo("Midnight_fan");
    assertThat(user.<String>get(StoreIdentity.CLAIM)).isEqualTo(FakeStorage.STORE);
    assertThat(user.<Number>get("exp").longValue() - user.<Number>get("iat").longValue()).isEqualTo(TTL);
    assertThatThrownBy(() -> verify(created.getString("token"), "another-key-of-at-least-32-bytes-for-hs256"))
      .as("signed with the configured key, not any key");
  }

  @Test
  void withoutAConfiguredKeyTokensAreSignedWithTheDataDirectorysKey() throws Exception {
    deploy(new JsonObject(), new JsonObject(), true).await();
    Path keyFile = dir.resolve(SigningKey.FILE_NAME);
    assertThat(keyFile).exists();
    JsonObject created = request(Addresses.USERS_CREATE, new JsonObject().put("username", "keyless"));
    assertThat(verify(created.getString("token"), Files.readString(keyFile).strip()).principal().getString("name"))
      .isEqualTo("keyless");
  }

  @Test
  void aPasswordIsStoredAsASaltedSlowHashAndALoginChecksIt() {
    start(new JsonObject());
    JsonObject created = request(Addresses.USERS_CREATE, new JsonObject().put("username", "countdown")
      .put("password", PASSWORD));
    String hash = storage.users.get("countdown").getString("passwordHash");
    assertThat(hash).startsWith("pbkdf2-sha256$" + UserOptions.MIN_PBKDF2_ITERATIONS + "$").doesNotContain(PASSWORD);

    JsonObject login = request(Addresses.USERS_LOGIN, login("countdown", PASSWORD));
    assertThat(login.getLong("id")).isEqualTo(created.getLong("id"));
    assertThat(verify(login.getString("token"), KEY).principal().getString("sub"))
      .isEqualTo(String.valueOf(created.getLong("id")));

    ReplyException wrong = refusal(Addresses.USERS_LOGIN, login("countdown", "not the password"));
    ReplyException unknown = refusal(Addresses.USERS_LOGIN, login("nobody_here", PASSWORD));
    assertThat(ErrorCode.of(wrong)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    assertThat(ErrorCode.of(unknown)).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    assertThat(unknown.getMessage()).as("an unknown name reads like a wrong password").isEqualTo(wrong.getMessage());
  }

  @Test
  void aBatchIsOneStorageRequestAndEachUserGetsItsOwnToken() {
    start(new JsonObject().put("maxPasswordsPerBatch", 2));
    JsonArray users = new JsonArray();
    for (int i = 0; i < 5; i++) {
      JsonObject user = new JsonObject().put("username", "batch_" + i);
      users.add(i % 2 == 1 ? user.put("password", PASSWORD + i) : user);
    }
    JsonArray created = request(Addresses.USERS_CREATE_BATCH, new JsonObject().put("users", users))
      .getJsonArray("users");
    assertThat(storage.received(Addresses.STORAGE_USERS_CREATE)).hasSize(1);
    JsonArray rows = storage.received(Addresses.STORAGE_USERS_CREATE).get(0).getJsonArray("users");
    for (int i = 0; i < 5; i++) {
      assertThat(rows.getJsonObject(i).getString("username")).isEqualTo("batch_" + i);
      JsonObject user = created.getJsonObject(i);
      assertThat(user.getString("username")).isEqualTo("batch_" + i);
      assertThat(verify(user.getString("token"), KEY).principal().getString("sub"))
        .isEqualTo(String.valueOf(user.getLong("id")));
    }
    // the password hashes went to the rows that had a password, in order
    assertThat(IntStream.range(0, 5).mapToObj(i -> rows.getJsonObject(i).getString("passwordHash") != null))
      .containsExactly(false, true, false, true, false);
    assertThat(request(Addresses.USERS_LOGIN, login("batch_3", PASSWORD + 3)).getString("username"))
      .isEqualTo("batch_3");

    JsonArray tooManyPasswords = new JsonArray();
    IntStream.range(0, 3).forEach(i -> tooManyPasswords.add(login("many_" + i, PASSWORD)));
    assertThat(ErrorCode.of(refusal(Addresses.USERS_CREATE_BATCH, new JsonObject().put("users", tooManyPasswords))))
      .isEqualTo(ErrorCode.BATCH_TOO_LARGE);
    // a taken name fails the whole batch: storage's refusal reaches the caller as it is
    assertThat(ErrorCode.of(refusal(Addresses.USERS_CREATE_BATCH, new JsonObject().put("users", new JsonArray()
      .add(new JsonObject().put("username", "fresh_one")).add(new JsonObject().put("username", "batch_0"))))))
      .isEqualTo(ErrorCode.USERNAME_TAKEN);
    assertThat(storage.users).doesNotContainKey("fresh_one");
  }

  @Test
  void badInputIsRefusedWithItsCodeAndNeverReachesStorage() {
    start(new JsonObject());
    Map<String, List<Map.Entry<JsonObject, ErrorCode>>> cases = new LinkedHashMap<>();
    cases.put(Addresses.USERS_CREATE, List.of(
      Map.entry(new JsonObject(), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("username", 42), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("username", "ab"), ErrorCode.INVALID_USERNAME),
      Map.entry(new JsonObject().put("username", "x".repeat(AccountRules.MAX_USERNAME + 1)), ErrorCode.INVALID_USERNAME),
      Map.entry(new JsonObject().put("username", "new year"), ErrorCode.INVALID_USERNAME),
      Map.entry(new JsonObject().put("username", "party!"), ErrorCode.INVALID_USERNAME),
      Map.entry(new JsonObject().put("username", "аdmin"), ErrorCode.INVALID_USERNAME), // Cyrillic а among Latin
      Map.entry(new JsonObject().put("username", "fine_name").put("password", "short"), ErrorCode.INVALID_PASSWORD),
      Map.entry(new JsonObject().put("username", "fine_name").put("password", "p".repeat(AccountRules.MAX_PASSWORD + 1)),
        ErrorCode.INVALID_PASSWORD)));
    cases.put(Addresses.USERS_CREATE_BATCH, List.of(
      Map.entry(new JsonObject(), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("users", new JsonArray()), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("users", new JsonArray().add("alice")), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("users", new JsonArray(IntStream.range(0, UserServiceVerticle.MAX_BATCH + 1)
        .mapToObj(i -> new JsonObject().put("username", "u_" + i)).toList())), ErrorCode.BATCH_TOO_LARGE),
      Map.entry(new JsonObject().put("users", new JsonArray().add(new JsonObject().put("username", "good_one"))
        .add(new JsonObject().put("username", "b"))), ErrorCode.INVALID_USERNAME)));
    cases.put(Addresses.USERS_LOGIN, List.of(
      Map.entry(new JsonObject().put("username", "countdown"), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("password", PASSWORD), ErrorCode.INVALID_REQUEST)));
    cases.put(Addresses.ROOMS_CREATE, List.of(
      Map.entry(new JsonObject().put("userId", 1), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("name", "🎉 party"), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("name", "   ").put("userId", 1), ErrorCode.INVALID_ROOM_NAME),
      Map.entry(new JsonObject().put("name", "🎉".repeat(AccountRules.MAX_ROOM_NAME + 1)).put("userId", 1),
        ErrorCode.INVALID_ROOM_NAME),
      Map.entry(new JsonObject().put("name", "bell\u0007room").put("userId", 1), ErrorCode.INVALID_ROOM_NAME)));
    cases.put(Addresses.ROOMS_JOIN, List.of(
      Map.entry(new JsonObject().put("roomId", "first").put("userId", 1), ErrorCode.INVALID_REQUEST),
      Map.entry(new JsonObject().put("roomId", 1), ErrorCode.INVALID_REQUEST)));
    cases.forEach((address, bodies) -> bodies.forEach(c -> assertThat(ErrorCode.of(refusal(address, c.getKey())))
      .as("%s %s", address, c.getKey().encode().substring(0, Math.min(120, c.getKey().encode().length())))
      .isEqualTo(c.getValue())));
    assertThat(storage.received.keySet()).as("only the start's requests reached storage")
      .containsOnly(Addresses.STORAGE_STATS, Addresses.STORAGE_ROOMS_SEED);
  }

  // ---- throttles ----

  @Test
  void wrongPasswordsInARowForOneUserAreRefusedUntilTheBucketRefillsAndASuccessStartsOver() {
    // two attempts, one more per hour: within the test no attempt comes back by itself
    start(new JsonObject().put("loginFailuresPerUser", 2).put("loginFailureRefillSeconds", 3_600));
    request(Addresses.USERS_CREATE, login("guessed_at", PASSWORD));
    assertThat(ErrorCode.of(refusal(Addresses.USERS_LOGIN, login("guessed_at", "guess 1"))))
      .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    request(Addresses.USERS_LOGIN, login("guessed_at", PASSWORD)); // gives the attempts back
    for (int i = 2; i <= 3; i++) {
      assertThat(ErrorCode.of(refusal(Addresses.USERS_LOGIN, login("guessed_at", "guess " + i))))
        .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
    }
    int finds = storage.received(Addresses.STORAGE_USERS_FIND).size();

    ReplyException refused = refusal(Addresses.USERS_LOGIN, login("guessed_at", PASSWORD));
    assertThat(ErrorCode.of(refused)).as("even the right password waits").isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(ErrorCode.retryAfterMillis(refused.getMessage())).isBetween(3_000_000L, 3_600_000L);
    // a lookalike spelling of the name shares its throttle
    assertThat(ErrorCode.of(refusal(Addresses.USERS_LOGIN, login("GUESSED_AT", PASSWORD))))
      .isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(storage.received(Addresses.STORAGE_USERS_FIND)).as("refused before storage or a hash").hasSize(finds);
  }

  @Test
  void passwordHashesAreBoundedPerClientAddress() {
    start(new JsonObject().put("hashesPerAddress", 2).put("hashRefillSeconds", 3_600).put("maxPasswordsPerBatch", 2));
    request(Addresses.USERS_CREATE, login("first_a", PASSWORD).put(Fields.CLIENT_ADDRESS, "client-a"));
    request(Addresses.USERS_CREATE, login("second_a", PASSWORD).put(Fields.CLIENT_ADDRESS, "client-a"));
    ReplyException refused = refusal(Addresses.USERS_CREATE, login("third_a", PASSWORD)
      .put(Fields.CLIENT_ADDRESS, "client-a"));
    assertThat(ErrorCode.of(refused)).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(ErrorCode.retryAfterMillis(refused.getMessage())).isPositive();
    assertThat(ErrorCode.of(refusal(Addresses.USERS_LOGIN, login("first_a", PASSWORD)
      .put(Fields.CLIENT_ADDRESS, "client-a")))).as("a login costs a hash too").isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(storage.users).doesNotContainKey("third_a");

    // a guest costs no hash; another address has its own bucket
    request(Addresses.USERS_CREATE, new JsonObject().put("username", "guest_a").put(Fields.CLIENT_ADDRESS, "client-a"));
    request(Addresses.USERS_LOGIN, login("first_a", PASSWORD).put(Fields.CLIENT_ADDRESS, "client-b"));
  }

  @Test
  void aFullHashQueueRefusesAtOnceWithTheWait(VertxTestContext test) throws InterruptedException {
    start(new JsonObject().put("hashThreads", 1).put("maxQueuedHashes", 1));
    List<Throwable> refusals = new CopyOnWriteArrayList<>();
    List<JsonObject> created = new CopyOnWriteArrayList<>();
    var answered = test.checkpoint(2);
    // both in one task: the second arrives while the first still holds the queue's one place (a hash takes long)
    vertx.runOnContext(v -> {
      for (String name : List.of("queued_one", "queued_two")) {
        send(Addresses.USERS_CREATE, login(name, PASSWORD).put(Fields.CLIENT_ADDRESS, name)).onComplete(ar -> {
          if (ar.succeeded()) {
            created.add(ar.result());
          } else {
            refusals.add(ar.cause());
          }
          answered.flag();
        });
      }
    });
    assertThat(test.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
    assertThat(created).hasSize(1);
    assertThat(refusals).hasSize(1).allSatisfy(e -> {
      assertThat(ErrorCode.of(e)).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(ErrorCode.retryAfterMillis(e.getMessage())).isEqualTo(HashPool.RETRY_AFTER_MS);
    });
  }

  // ---- rooms ----

  @Test
  void joinsAndLeavesAreAnnouncedOnceStorageCommittedThem() {
    start(new JsonObject());
    JsonObject member = new JsonObject().put("roomId", 1).put("userId", 5);
    assertThat(request(Addresses.ROOMS_JOIN, member).getLong("id")).isEqualTo(1);
    assertThat(ErrorCode.of(refusal(Addresses.ROOMS_JOIN, new JsonObject().put("roomId", 99).put("userId", 5))))
      .isEqualTo(ErrorCode.ROOM_NOT_FOUND);
    request(Addresses.ROOMS_LEAVE, member);
    // announcements arrive in order: one for the failed join would come before the leave's
    await().atMost(Duration.ofSeconds(5)).until(() -> announced.size() >= 2);
    assertThat(announced).containsExactly(member.copy().put("member", true), member.copy().put("member", false));
  }

  @Test
  void aRoomIsCreatedWithItsTrimmedNameAndRoomsAreListedByStorage() {
    start(new JsonObject());
    assertThat(request(Addresses.ROOMS_CREATE, new JsonObject().put("name", "  🎇 Late Night  ").put("userId", 3))
      .getString("name")).isEqualTo("🎇 Late Night");
    assertThat(storage.received(Addresses.STORAGE_ROOMS_CREATE))
      .containsExactly(new JsonObject().put("name", "🎇 Late Night").put("userId", 3L));
    assertThat(request(Addresses.ROOMS_LIST, new JsonObject())).isEqualTo(new JsonObject().put("rooms", new JsonArray()));
  }

  // ---- helpers ----

  static JsonObject login(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  User verify(String token, String key) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
      .setBuffer(key))).authenticate(new TokenCredentials(token)).await();
  }

  Future<JsonObject> send(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  JsonObject request(String address, JsonObject body) {
    return send(address, body).await();
  }

  ReplyException refusal(String address, JsonObject body) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(() -> send(address, body).await()).as("%s is refused", address)
      .isInstanceOfSatisfying(ReplyException.class, e -> failure[0] = e);
    return (ReplyException) failure[0];
  }
}
