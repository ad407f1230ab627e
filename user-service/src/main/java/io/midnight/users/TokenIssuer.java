package io.midnight.users;

import io.midnight.common.auth.StoreIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Signs HS256 tokens whose subject is the user id, whose {@code name} claim is the username and whose
 * {@code store} claim is the store's id ({@link StoreIdentity}). Thread-safe.
 */
final class TokenIssuer {

  private final JWTAuth jwt;
  private final JWTOptions options;
  private final String store;

  TokenIssuer(Vertx vertx, String key, long ttlSeconds, String store) {
    this.store = store;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key)));
    this.options = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttlSeconds));
  }

  /** {@code user} is {@code {id, username}}; the answer adds {@code token}. */
  JsonObject withToken(JsonObject user) {
    String token = jwt.generateToken(new JsonObject()
      .put("sub", String.valueOf(user.getLong("id")))
      .put("name", user.getString("username")).put(StoreIdentity.CLAIM, store), options);
    return new JsonObject().put("id", user.getLong("id")).put("username", user.getString("username")).put("token", token);
  }
}
