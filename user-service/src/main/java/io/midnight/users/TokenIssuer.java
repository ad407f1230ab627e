package io.midnight.users;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Signs HS256 tokens whose subject is the user id and whose {@code name} claim is the username. Thread-safe. */
final class TokenIssuer {

  private final JWTAuth jwt;
  private final JWTOptions options;

  TokenIssuer(Vertx vertx, String key, long ttlSeconds) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
    this.options = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttlSeconds));
  }

  /** {@code user} is {@code {id, username}}; the answer adds {@code token}. */
  JsonObject withToken(JsonObject user) {
    String token = jwt.generateToken(new JsonObject()
      .put("sub", String.valueOf(user.getLong("id")))
      .put("name", user.getString("username")), options);
    return new JsonObject().put("id", user.getLong("id")).put("username", user.getString("username")).put("token", token);
  }
}
