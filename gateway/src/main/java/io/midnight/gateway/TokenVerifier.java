package io.midnight.gateway;

import io.midnight.common.Addresses;
import io.midnight.common.ErrorCode;
import io.midnight.common.auth.StoreIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Checks HS256 tokens locally and yields who holds them; a token must also come from this store
 * ({@link StoreIdentity}), which storage is asked for once (and again until it answers). Thread-safe.
 */
public final class TokenVerifier {

  /** The holder of a valid token. */
  public record Caller(long userId, String username) {
  }

  private final JWTAuth jwt;
  private final Vertx vertx;
  private volatile Future<StoreIdentity> store;

  public TokenVerifier(Vertx vertx, String key) {
    this.vertx = vertx;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
  }

  /** The store's identity from storage's stats; a failed ask is forgotten, so the next token asks again. */
  private Future<StoreIdentity> store() {
    Future<StoreIdentity> known = store;
    if (known == null || known.failed()) {
      known = vertx.eventBus().<JsonObject>request(Addresses.STORAGE_STATS, new JsonObject(),
          new DeliveryOptions().setSendTimeout(5_000))
        .map(reply -> StoreIdentity.fromJson(reply.body().getJsonObject("store")))
        .compose(identity -> identity != null ? Future.succeededFuture(identity)
          : ErrorCode.UNAVAILABLE.failed("storage did not say which store it is"));
      store = known;
    }
    return known;
  }

  /** Fails with {@link ErrorCode#UNAUTHORIZED} or {@link ErrorCode#TOKEN_EXPIRED}. */
  public Future<Caller> verify(String token) {
    if (token == null || token.isBlank()) {
      return ErrorCode.UNAUTHORIZED.failed("missing token: send 'Authorization: Bearer <token>'");
    }
    return jwt.authenticate(new TokenCredentials(token))
      .recover(e -> {
        String why = String.valueOf(e.getMessage());
        return why.toLowerCase().contains("expired")
          ? ErrorCode.TOKEN_EXPIRED.failed("token expired: log in again")
          : ErrorCode.UNAUTHORIZED.failed("invalid token");
      })
      .compose(user -> store().recover(e -> ErrorCode.UNAVAILABLE.failed("cannot check the token's store: "
          + ErrorCode.messageOf(e)))
        .compose(identity -> identity.issued(user.get(StoreIdentity.CLAIM), user.get("iat"))
          ? Future.succeededFuture(user)
          : ErrorCode.UNAUTHORIZED.failed("token of another store (this one was made anew): sign up or log in again")))
      .compose(user -> {
        String sub = user.principal().getString("sub");
        String name = user.principal().getString("name");
        try {
          return Future.succeededFuture(new Caller(Long.parseLong(sub), name));
        } catch (NumberFormatException | NullPointerException e) {
          return ErrorCode.UNAUTHORIZED.failed("invalid token");
        }
      });
  }
}
