package io.midnight.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load client against a server that refuses every message once ({@code unavailable}, {@code retryAfterMs} 30)
 * and takes it the second time: each is resent once with the same clientMsgId, acked and delivered once.
 */
class SocketIoLoadClientRetryTest {

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, Long> attempts = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRefusedMessageIsResentAfterRetryAfterMsWithTheSameClientMsgId() throws InterruptedException {
    HttpServer server = vertx.createHttpServer().webSocketHandler(this::refuseOnce).listen(0, "127.0.0.1").await();
    long origin = System.nanoTime();
    SocketIoLoadClient client = new SocketIoLoadClient(server.actualPort(),
      List.of(new LoadSocket("b00001", "t", 1, 1)), origin, 0, 1, new FanoutOptions.Caps(64, 1000));
    vertx.deployVerticle(client).await();
    client.connectAll().await();
    client.startStep(1, 20, System.nanoTime() - origin + 50_000_000L, 500_000_000L).await();
    StepStats stats = null;
    for (int i = 0; i < 100; i++) {
      Thread.sleep(50);
      stats = client.snapshot(true).await();
      if (stats.sent == 10 && stats.drained()) {
        break;
      }
    }
    assertThat(stats.sent).isEqualTo(10);
    assertThat(stats.refusals).isEqualTo(10);
    assertThat(stats.retries).isEqualTo(10);
    assertThat(stats.acked).isEqualTo(10);
    assertThat(stats.delivered).isEqualTo(10);
    assertThat(stats.ledger.lost()).isZero();
    assertThat(stats.ledger.duplicated()).isZero();
    assertThat(attempts).hasSize(10).allSatisfy((id, n) -> assertThat(n).isEqualTo(2));
    assertThat(stats.ack.getMinValue()).as("ack latency counts the wait, in µs").isGreaterThanOrEqualTo(30_000);
  }

  /** Just enough Socket.IO: open, connect, join; a message refused the first time its clientMsgId comes. */
  private void refuseOnce(ServerWebSocket ws) {
    ws.textMessageHandler(text -> {
      if (text.equals("40")) {
        ws.writeTextMessage("40{\"sid\":\"s\"}");
        return;
      }
      int p = 2;
      while (Character.isDigit(text.charAt(p))) {
        p++;
      }
      String ackId = text.substring(2, p);
      JsonArray event = new JsonArray(text.substring(p));
      JsonObject data = event.getJsonObject(1);
      if (event.getString(0).equals("join")) {
        ws.writeTextMessage("43" + ackId + "[{\"id\":1}]");
        return;
      }
      String key = data.getString("clientMsgId");
      if (attempts.merge(key, 1L, Long::sum) == 1) {
        ws.writeTextMessage("43" + ackId + "[{\"error\":{\"code\":\"unavailable\",\"message\":\"busy\","
          + "\"retryAfterMs\":30}}]");
        return;
      }
      ws.writeTextMessage("43" + ackId + "[{\"id\":1,\"seq\":1,\"ts\":1}]");
      ws.writeTextMessage("42[\"message\"," + new JsonObject().put("room", 1).put("text", data.getString("text"))
        .encode() + "]");
    });
    ws.writeTextMessage("0{\"sid\":\"s\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}");
  }
}
