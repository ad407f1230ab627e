package io.midnight.users;

import io.midnight.common.Addresses;
import io.midnight.common.BusEndpoint;
import io.midnight.common.ErrorCode;
import io.midnight.common.Fields;
import io.midnight.common.ServiceException;
import io.midnight.common.auth.SigningKey;
import io.midnight.common.auth.StoreIdentity;
import io.midnight.common.names.UserNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Users, tokens, rooms and membership. Validates, hashes passwords on a bounded pool of its own ({@link HashPool})
 * after the {@link LoginThrottle} allowed it, and leaves every write to the storage verticle; signs a token for
 * each user it creates or logs in. Seeds the New Year rooms on start.
 */
public final class UserServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UserServiceVerticle.class);
  public static final int MAX_BATCH = 1_000;
  private static final DeliveryOptions STORAGE = new DeliveryOptions().setSendTimeout(30_000);

  private TokenIssuer tokens;
  private PasswordHasher hasher;
  private HashPool hashPool;
  private LoginThrottle throttle;
  private UserOptions options;

  @Override
  public Future<?> start() {
    options = UserOptions.fromConfig(config());
    hashPool = new HashPool(vertx, options.hashThreads(), options.maxQueuedHashes());
    throttle = new LoginThrottle(options);
    vertx.setPeriodic(10_000, id -> throttle.forgetIdle());
    return vertx.executeBlocking(() -> {
      hasher = new PasswordHasher(options.pbkdf2Iterations());
      return SigningKey.resolve(options.jwtKey(), options.dataDir());
    }).compose(key -> storage(Addresses.STORAGE_STATS, new JsonObject()).compose(stats -> {
      StoreIdentity store = StoreIdentity.fromJson(stats.getJsonObject("store"));
      if (store == null) {
        return Future.failedFuture(new IllegalStateException("storage did not say which store it is"));
      }
      tokens = new TokenIssuer(vertx, key, options.tokenTtlSeconds(), store.id());
      return Future.all(List.of(
        handle(Addresses.USERS_CREATE, this::createUser),
        handle(Addresses.USERS_CREATE_BATCH, this::createBatch),
        handle(Addresses.USERS_LOGIN, this::login),
        handle(Addresses.ROOMS_LIST, b -> storage(Addresses.STORAGE_ROOMS_LIST, new JsonObject())),
        handle(Addresses.ROOMS_CREATE, b -> storage(Addresses.STORAGE_ROOMS_CREATE, new JsonObject()
          .put("name", AccountRules.roomName(Fields.optionalString(b, "name")))
          .put("userId", Fields.requireLong(b, "userId")))),
        handle(Addresses.ROOMS_JOIN, b -> membership(Addresses.STORAGE_ROOMS_JOIN, b, true)),
        handle(Addresses.ROOMS_LEAVE, b -> membership(Addresses.STORAGE_ROOMS_LEAVE, b, false))));
    })).compose(v -> seedRooms());
  }

  private Future<Void> seedRooms() {
    return storage(Addresses.STORAGE_ROOMS_SEED, new JsonObject().put("rooms", NewYearRooms.seed()))
      .onSuccess(r -> {
        if (r.getInteger("created") > 0) {
          LOG.info("created {} New Year room(s)", r.getInteger("created"));
        }
      })
      .mapEmpty();
  }

  private Future<JsonObject> createUser(JsonObject body) {
    String username = AccountRules.username(Fields.optionalString(body, "username"));
    String password = AccountRules.password(Fields.optionalString(body, "password"));
    if (password != null) {
      throttle.hashes(clientAddress(body), 1);
    }
    return hash(password)
      .compose(hash -> storage(Addresses.STORAGE_USERS_CREATE, new JsonObject().put("users",
        new JsonArray().add(new JsonObject().put("username", username).put("passwordHash", hash)))))
      .map(created -> tokens.withToken(created.getJsonArray("users").getJsonObject(0)));
  }

  /** Up to 1,000 users in one storage commit: all are created, or none (a taken name fails the batch). */
  private Future<JsonObject> createBatch(JsonObject body) {
    JsonArray users = Fields.requireArray(body, "users");
    if (users.isEmpty()) {
      throw new ServiceException(ErrorCode.INVALID_REQUEST, "'users' must hold at least one user");
    }
    if (users.size() > MAX_BATCH) {
      throw new ServiceException(ErrorCode.BATCH_TOO_LARGE, "a batch holds at most " + MAX_BATCH + " users, got "
        + users.size());
    }
    List<String> usernames = new ArrayList<>(users.size());
    List<String> passwords = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      if (!(users.getValue(i) instanceof JsonObject user)) {
        throw new ServiceException(ErrorCode.INVALID_REQUEST, "users[" + i + "] must be an object");
      }
      usernames.add(AccountRules.username(Fields.optionalString(user, "username")));
      passwords.add(AccountRules.password(Fields.optionalString(user, "password")));
    }
    List<Callable<String>> hashes = passwords.stream().filter(Objects::nonNull)
      .<Callable<String>>map(p -> () -> hasher.hash(p)).toList();
    if (hashes.size() > options.maxPasswordsPerBatch()) {
      // a hash costs about a quarter of a CPU second: an unauthenticated request may not ask for many
      throw new ServiceException(ErrorCode.BATCH_TOO_LARGE, "a batch holds at most " + options.maxPasswordsPerBatch()
        + " users with a password, got " + hashes.size() + " (users without one cost nothing)");
    }
    if (!hashes.isEmpty()) {
      throttle.hashes(clientAddress(body), hashes.size());
    }
    return hashPool.runAll(hashes)
      .compose(hashed -> {
        JsonArray rows = new JsonArray();
        Iterator<String> next = hashed.iterator();
        for (int i = 0; i < usernames.size(); i++) {
          rows.add(new JsonObject().put("username", usernames.get(i))
            .put("passwordHash", passwords.get(i) == null ? null : next.next()));
        }
        return storage(Addresses.STORAGE_USERS_CREATE, new JsonObject().put("users", rows));
      })
      .map(created -> {
        JsonArray out = new JsonArray();
        created.getJsonArray("users").forEach(u -> out.add(tokens.withToken((JsonObject) u)));
        return new JsonObject().put("users", out);
      });
  }

  private Future<JsonObject> login(JsonObject body) {
    String username = Fields.requireString(body, "username");
    String password = Fields.requireString(body, "password");
    String key = UserNames.key(username); // lookalike spellings of one name share its throttle
    throttle.login(key, clientAddress(body));
    return storage(Addresses.STORAGE_USERS_FIND, new JsonObject().put("username", username))
      .recover(e -> ErrorCode.of(e) == ErrorCode.USER_NOT_FOUND
        ? Future.succeededFuture(new JsonObject()) : Future.failedFuture(e))
      .compose(user -> hashPool.run(() -> {
        String stored = user.getString("passwordHash");
        if (stored == null) {
          hasher.burn(password);
          return false;
        }
        return hasher.verify(password, stored);
      }).compose(ok -> {
        if (!ok) {
          return ErrorCode.INVALID_CREDENTIALS.failed("wrong username or password");
        }
        throttle.succeeded(key);
        return Future.succeededFuture(tokens.withToken(user));
      }));
  }

  private Future<JsonObject> membership(String address, JsonObject body, boolean member) {
    long roomId = Fields.requireLong(body, "roomId");
    long userId = Fields.requireLong(body, "userId");
    return storage(address, new JsonObject().put("roomId", roomId).put("userId", userId))
      .onSuccess(room -> vertx.eventBus().publish(Addresses.MEMBERSHIP_CHANGED,
        new JsonObject().put("roomId", roomId).put("userId", userId).put("member", member)));
  }

  private Future<String> hash(String password) {
    return password == null ? Future.succeededFuture(null) : hashPool.run(() -> hasher.hash(password));
  }

  /** The address the gateway saw the request come from; the throttle's key for hashes. */
  private static String clientAddress(JsonObject body) {
    return body.getString(Fields.CLIENT_ADDRESS, "unknown");
  }

  private Future<JsonObject> storage(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, STORAGE).map(m -> m.body());
  }

  private Future<Void> handle(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return BusEndpoint.serve(vertx, address, handler).completion();
  }

  @Override
  public Future<?> stop() {
    hashPool.close();
    return Future.succeededFuture();
  }
}
