package io.midnight.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens name their store: after the store is lost and a new one made with the same signing key, the new store's
 * user 1 is not the old one's, and the old user 1's token is refused; a token from before the store claim existed
 * is good only if it was issued after the store was born.
 */
class StoreTokensTest {

  static final String KEY = "store-tokens-test-signing-key-0123456789abcdef";
  static final JsonObject CONFIG = new JsonObject().put("auth", new JsonObject().put("jwtKey", KEY));

  @TempDir
  Path dir;

  @Test
  void aTokenOfALostStoreDoesNotSpeakForTheNewStoresUser() throws Exception {
    String oldToken;
    try (InProcessMidnight midnight = new InProcessMidnight(dir, CONFIG)) {
      JsonObject alice = midnight.api.user("alice_old_store");
      assertThat(alice.getLong("id")).isEqualTo(1);
      oldToken = alice.getString("token");
      assertThat(midnight.api.get("/api/rooms", oldToken).status()).isEqualTo(200);
    }
    // the store is lost; the operator starts an empty one with the same key
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
    }
    try (InProcessMidnight midnight = new InProcessMidnight(dir, CONFIG)) {
      JsonObject mallory = midnight.api.user("mallory_new_store");
      assertThat(mallory.getLong("id")).as("ids start again in a new store").isEqualTo(1);
      Api.Reply refused = midnight.api.get("/api/rooms", oldToken);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.body().getJsonObject("error").getString("message")).contains("another store");
      assertThat(midnight.api.get("/api/rooms", mallory.getString("token")).status()).isEqualTo(200);
      try (RawWebSocket ws = new RawWebSocket(midnight.port, "/socket.io/?EIO=4&transport=websocket&token="
        + oldToken, 1 << 16)) {
        ws.readText();
        ws.sendText("40");
        assertThat(ws.readText()).as("the socket's CONNECT is refused too").startsWith("44");
      }
    }
  }

  @Test
  void aTokenWithoutTheStoreClaimIsGoodOnlyIfIssuedAfterTheStoreWasBorn() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, CONFIG)) {
      midnight.api.user("legacy_holder");
      Vertx vertx = Vertx.vertx();
      try {
        JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(KEY)));
        long now = System.currentTimeMillis() / 1000;
        String recent = jwt.generateToken(new JsonObject().put("sub", "1").put("name", "legacy_holder").put("iat", now),
          new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(3600));
        String before = jwt.generateToken(new JsonObject().put("sub", "1").put("name", "legacy_holder")
          .put("iat", now - 86_400), new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
        Api.Reply recentReply = midnight.api.get("/api/rooms", recent);
        assertThat(recentReply.status()).as("%s", recentReply.body()).isEqualTo(200);
        Api.Reply old = midnight.api.get("/api/rooms", before);
        assertThat(old.status()).as("issued before this store existed").isEqualTo(401);
        assertThat(old.body().getJsonObject("error").getString("message")).contains("another store");
      } finally {
        vertx.close().await();
      }
    }
  }
}
