package io.midnight.common.auth;

import io.vertx.core.json.JsonObject;

/**
 * Which store a token was issued by (README, "A damaged store"). Users are numbered per store, so a token must not
 * outlive the store that issued it: were the catalog lost and a new store made, user 1 of the new store is not user
 * 1 of the old, and the old token must not speak for it. The user service signs the store's id into every token
 * ({@link #CLAIM}); the gateway refuses a token of another store. A token from before the claim existed is good
 * only if it was issued after this store was born ({@code createdAt}), which a recreated store never satisfies.
 *
 * @param id        random, written once when the store is made
 * @param createdAt when the store was made (ms since the epoch); for a store from before ids, its oldest record
 */
public record StoreIdentity(String id, long createdAt) {

  public static final String CLAIM = "store";

  /** Storage's stats carry it as {@code store: {id, createdAt}}. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("createdAt", createdAt);
  }

  public static StoreIdentity fromJson(JsonObject json) {
    if (json == null || json.getString("id") == null) {
      return null;
    }
    return new StoreIdentity(json.getString("id"), json.getLong("createdAt", 0L));
  }

  /** Whether a token whose {@code store} and {@code iat} claims are these (either may be null) is this store's. */
  public boolean issued(String store, Number issuedAt) {
    if (store != null) {
      return store.equals(id);
    }
    // whole seconds: compared with the second the store was born in
    return issuedAt != null && issuedAt.longValue() >= createdAt / 1000;
  }
}
