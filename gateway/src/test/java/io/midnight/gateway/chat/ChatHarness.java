package io.midnight.gateway.chat;

import io.midnight.common.auth.StoreIdentity;
import io.midnight.gateway.GatewayNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real gateway node (two instances, so two event loops with a {@link RoomFanout} each) with its bus neighbours
 * faked by {@link FakeNeighbours}, and real Socket.IO clients over WebSockets ({@link TestSocket}).
 */
abstract class ChatHarness {

  static final String KEY = "a-test-key-of-at-least-32-bytes-for-hs256";

  @TempDir
  Path dir;
  Vertx vertx;
  FakeNeighbours fake;
  int port;
  private final List<TestSocket> sockets = new CopyOnWriteArrayList<>();

  void start(JsonObject socketio) {
    vertx = Vertx.vertx();
    fake = new FakeNeighbours();
    vertx.deployVerticle(fake).await();
    JsonObject config = new JsonObject()
      .put("dataDir", dir.toString())
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
      .put("auth", new JsonObject().put("jwtKey", KEY))
      .put("socketio", socketio);
    port = GatewayNode.deploy(vertx, new DeploymentOptions().setConfig(config)).await().port();
  }

  @AfterEach
  void stop() {
    sockets.forEach(TestSocket::close);
    if (vertx != null) {
      vertx.close().await();
    }
  }

  String token(long userId, String name) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
      .setBuffer(KEY))).generateToken(new JsonObject().put("sub", String.valueOf(userId)).put("name", name)
      .put(StoreIdentity.CLAIM, FakeNeighbours.STORE));
  }

  TestSocket connect(long userId, String name) {
    return connect(userId, name, 0);
  }

  TestSocket connect(long userId, String name, int receiveBufferSize) {
    TestSocket socket = TestSocket.connect(vertx, port, token(userId, name), receiveBufferSize);
    sockets.add(socket);
    return socket;
  }

  /** The {@code socketio} part of {@code /api/stats}. */
  JsonObject socketStats() {
    HttpClient http = vertx.createHttpClient();
    try {
      return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
          .setURI("/api/stats").putHeader("Authorization", "Bearer " + token(1, "alice")))
        .compose(request -> request.send().compose(response -> response.body()))
        .await().toJsonObject().getJsonObject("socketio");
    } finally {
      http.close();
    }
  }
}
