package io.midnight.gateway;

import io.midnight.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Checks HS256 tokens locally (no bus hop) and yields who holds them. Thread-safe. */
public final class TokenVerifier {

  /** The holder of a valid token. */
  public record Caller(long userId, String username) {
  }

  private final JWTAuth jwt;

  public TokenVerifier(Vertx vertx, String key) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
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
