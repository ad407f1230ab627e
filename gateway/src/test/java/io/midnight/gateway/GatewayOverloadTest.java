package io.midnight.gateway;

import io.midnight.common.Addresses;
import io.midnight.common.auth.StoreIdentity;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's bound on pending sends, against a message service (faked as a small verticle) that holds every
 * send without answering, as a stalled store would: past the bound, sends over HTTP and over Socket.IO are refused
 * at once with {@code unavailable} and {@code retryAfterMs}, and nothing more is handed on; once the held sends are
 * answered, sends are taken again.
 */
class GatewayOverloadTest {

  static final String KEY = "a-test-key-of-at-least-32-bytes-for-hs256";
  static final int BOUND = 5;

  @TempDir
  Path dir;
  Vertx vertx;
  final List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
  int port;
  String token;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.MESSAGES_SEND, held::add).completion().await();
    // the fake storage says which store tokens must come from
    vertx.eventBus().<JsonObject>consumer(Addresses.STORAGE_STATS, m -> m.reply(new JsonObject()
      .put("store", new StoreIdentity("test-store", 0).toJson()))).completion().await();
    JsonObject config = new JsonObject()
      .put("dataDir", dir.toString())
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
      .put("auth", new JsonObject().put("jwtKey", KEY))
      .put("overload", new JsonObject().put("maxPendingSends", BOUND));
    port = GatewayNode.deploy(vertx, new DeploymentOptions().setConfig(config)).await().port();
    token = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
      .setBuffer(KEY))).generateToken(new JsonObject().put("sub", "1").put("name", "alice")
      .put(StoreIdentity.CLAIM, "test-store"));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @Timeout(60)
  void pastTheBoundSendsAreRefusedAtOnceWithARetryHint() throws Exception {
    HttpClient http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(2 * BOUND));
    List<Future<HttpClientResponse>> sends = new ArrayList<>();
    for (int i = 0; i < BOUND; i++) {
      sends.add(post(http, "held-" + i));
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> held.size() == BOUND);

    long t0 = System.nanoTime();
    // the body is asked for in the response's own callback: asked later, it may already have gone by
    Map.Entry<HttpClientResponse, Buffer> answer = post(http, "over")
      .compose(response -> response.body().map(body -> Map.entry(response, body))).await();
    HttpClientResponse refused = answer.getKey();
    Buffer body = answer.getValue();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.getHeader("Retry-After")).isNotNull();
    JsonObject error = body.toJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("unavailable");
    assertThat(error.getLong("retryAfterMs")).isPositive();
    assertThat(error.getString("message")).contains("same clientMsgId");

    JsonObject ack = socketIoSend();
    assertThat(ack.getJsonObject("error").getString("code")).isEqualTo("unavailable");
    assertThat(ack.getJsonObject("error").getLong("retryAfterMs")).isPositive();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("refused at once, not after a timeout")
      .isLessThan(5_000);
    assertThat(held).as("nothing past the bound reached the message service").hasSize(BOUND);

    for (int i = 0; i < held.size(); i++) {
      held.get(i).reply(new JsonObject().put("id", i + 1).put("seq", i + 1).put("ts", 1L));
    }
    for (Future<HttpClientResponse> send : sends) {
      assertThat(send.await().statusCode()).isEqualTo(201);
    }
    held.clear();
    post(http, "after");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
      .until(() -> held.size() == 1); // a freed slot is taken again
  }

  private Future<HttpClientResponse> post(HttpClient http, String clientMsgId) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/rooms/1/messages").putHeader("Authorization", "Bearer " + token))
      .compose(request -> request.send(new JsonObject().put("text", "🎆").put("clientMsgId", clientMsgId).toBuffer()));
  }

  /** One send over a real Socket.IO WebSocket; answers its ack's first argument. */
  private JsonObject socketIoSend() throws Exception {
    CompletableFuture<JsonObject> ack = new CompletableFuture<>();
    WebSocketClient client = vertx.createWebSocketClient();
    var ws = client.webSocket();
    ws.textMessageHandler(frame -> {
      if (frame.startsWith("0{")) {
        ws.writeTextMessage("40");
      } else if (frame.startsWith("40")) {
        ws.writeTextMessage("427[\"message\",{\"room\":1,\"text\":\"🎆\",\"clientMsgId\":\"ws-over\"}]");
      } else if (frame.startsWith("437")) {
        ack.complete(new JsonArray(frame.substring(3)).getJsonObject(0));
      }
    });
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/socket.io/?EIO=4&transport=websocket&token=" + token)).await();
    try {
      return ack.get(10, TimeUnit.SECONDS);
    } finally {
      ws.close();
    }
  }
}
