package io.midnight.app;

import io.midnight.gateway.echo.ProtocolEchoVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engine.IO v4 / Socket.IO v5 on the wire, against {@code midnight protocol-echo}'s server with a fast heartbeat
 * (ping every 300 ms, 200 ms to answer) and a 1 s connect timeout: handshake, both transports, heartbeat,
 * protocol errors.
 */
class EngineIoProtocolTest {

  static final char RS = '\u001e';
  static Vertx vertx;
  static int port;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ProtocolEchoVerticle echo = new ProtocolEchoVerticle();
    vertx.deployVerticle(echo, new DeploymentOptions().setConfig(new JsonObject().put("port", 0)
      .put("pingInterval", 300).put("pingTimeout", 200).put("connectTimeout", 1_000))).await();
    port = echo.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static HttpResponse<String> get(String query) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/?" + query))
      .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String query, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/?" + query))
      .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
  }

  static String openPolling() throws Exception {
    HttpResponse<String> open = get("EIO=4&transport=polling");
    assertThat(open.statusCode()).isEqualTo(200);
    return new JsonObject(open.body().substring(1)).getString("sid");
  }

  /** GETs until {@code count} packets arrived (pings answered), so heartbeats do not get in the way. */
  static List<String> poll(String sid, int count) throws Exception {
    List<String> packets = new ArrayList<>();
    while (packets.size() < count) {
      HttpResponse<String> r = get("EIO=4&transport=polling&sid=" + sid);
      assertThat(r.statusCode()).as("poll: %s", r.body()).isEqualTo(200);
      for (String p : r.body().split(String.valueOf(RS))) {
        if (p.equals("2")) {
          assertThat(post("EIO=4&transport=polling&sid=" + sid, "3").body()).isEqualTo("ok");
        } else {
          packets.add(p);
        }
      }
    }
    return packets;
  }

  @Test
  void pollingHandshakeHasExactlyTheSpecifiedKeys() throws Exception {
    HttpResponse<String> open = get("EIO=4&transport=polling");
    assertThat(open.body()).startsWith("0{");
    JsonObject handshake = new JsonObject(open.body().substring(1));
    assertThat(handshake.fieldNames()).containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(handshake.getJsonArray("upgrades")).containsExactly("websocket");
    assertThat(handshake.getInteger("pingInterval")).isEqualTo(300);
    assertThat(handshake.getInteger("pingTimeout")).isEqualTo(200);
    assertThat(handshake.getInteger("maxPayload")).isEqualTo(1_000_000);
  }

  @Test
  void websocketHandshakeOffersNoUpgrade() throws Exception {
    try (RawWebSocket ws = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536)) {
      JsonObject handshake = new JsonObject(ws.readText().substring(1));
      assertThat(handshake.getJsonArray("upgrades")).isEqualTo(new JsonArray());
    }
  }

  @Test
  void protocolErrorsAreHttp400WithTheEngineIoBody() throws Exception {
    assertThat(get("EIO=3&transport=polling").body()).isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    assertThat(get("transport=polling").statusCode()).isEqualTo(400);
    assertThat(get("EIO=4&transport=carrier-pigeon").body()).isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
    assertThat(get("EIO=4&transport=polling&sid=nope").body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertThat(post("EIO=4&transport=polling", "40").body()).isEqualTo("{\"code\":2,\"message\":\"Bad handshake method\"}");
    assertThat(get("EIO=4&transport=polling&sid=nope").statusCode()).isEqualTo(400);
  }

  @Test
  void pollingCarriesSeveralPacketsPerBodyBothWays() throws Exception {
    String sid = openPolling();
    String q = "EIO=4&transport=polling&sid=" + sid;
    assertThat(post(q, "40{\"k\":\"v\"}" + RS + "42[\"message\",\"x\",{\"n\":1}]" + RS + "421[\"hi\",2]").body())
      .isEqualTo("ok");
    List<String> packets = poll(sid, 4);
    assertThat(packets.get(0)).startsWith("40{\"sid\":");
    assertThat(packets.subList(1, 4)).containsExactly("42[\"auth\",{\"k\":\"v\"}]",
      "42[\"message-back\",\"x\",{\"n\":1}]", "431[2]");
  }

  @Test
  void binaryInPollingIsBase64AndEchoedBack() throws Exception {
    String sid = openPolling();
    String q = "EIO=4&transport=polling&sid=" + sid;
    post(q, "40");
    poll(sid, 2); // connect reply and auth
    post(q, "451-[\"message\",{\"_placeholder\":true,\"num\":0}]" + RS + "bAQID");
    assertThat(poll(sid, 2)).containsExactly("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "bAQID");
  }

  @Test
  void aSecondGetIsRefusedTheHeldOneAnsweredCloseAndTheSessionEnds() throws Exception {
    String sid = openPolling();
    String q = "EIO=4&transport=polling&sid=" + sid;
    CompletableFuture<HttpResponse<String>> held = holdGet(q);
    HttpResponse<String> second = get(q);
    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(second.body()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    HttpResponse<String> first = held.get(5, TimeUnit.SECONDS);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).as("the held GET learns the session closed").isEqualTo("1");
    assertThat(get(q).body()).contains("Session ID unknown");
  }

  @Test
  void aCloseInAPostAnswersTheHeldGetWithANoopAndEndsTheSession() throws Exception {
    String sid = openPolling();
    String q = "EIO=4&transport=polling&sid=" + sid;
    CompletableFuture<HttpResponse<String>> held = holdGet(q);
    assertThat(post(q, "1").body()).isEqualTo("ok");
    HttpResponse<String> first = held.get(5, TimeUnit.SECONDS);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("6");
    assertThat(get(q).statusCode()).isEqualTo(400);
    assertThat(post(q, "3").statusCode()).isEqualTo(400);
  }

  /**
   * A GET the server holds: sent right after the handshake, so it waits for the first ping (300 ms away); 100 ms
   * later it is held for sure.
   */
  static CompletableFuture<HttpResponse<String>> holdGet(String query) throws InterruptedException {
    CompletableFuture<HttpResponse<String>> held = http.sendAsync(HttpRequest.newBuilder(
      URI.create("http://127.0.0.1:" + port + "/socket.io/?" + query)).build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(100);
    assertThat(held).as("the GET is held: nothing to send yet").isNotDone();
    return held;
  }

  @Test
  void unknownNamespaceIsRefusedAndCustomAccepted() throws Exception {
    try (RawWebSocket ws = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536)) {
      ws.readText();
      ws.sendText("40/nope,");
      assertThat(ws.readText()).isEqualTo("44/nope,{\"message\":\"Invalid namespace\"}");
      ws.sendText("40/custom,{\"a\":1}");
      assertThat(ws.readText()).startsWith("40/custom,{\"sid\":");
      assertThat(ws.readText()).isEqualTo("42/custom,[\"auth\",{\"a\":1}]");
    }
  }

  @Test
  void heartbeatKeepsAnAnsweringClientAndDropsASilentOne() throws Exception {
    try (RawWebSocket answering = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536);
         RawWebSocket silent = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536)) {
      answering.readText();
      answering.sendText("40");
      silent.readText();
      silent.sendText("40");
      long start = System.nanoTime();
      int pings = 0;
      while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_600)) {
        String frame = answering.readText();
        assertThat(frame).as("the answering client is never closed").isNotNull();
        if (frame.equals("2")) {
          pings++;
          answering.sendText("3");
        }
      }
      assertThat(pings).as("pings every 300 ms").isBetween(3, 6);
      List<String> seen = new ArrayList<>();
      for (String f = silent.readText(); f != null; f = silent.readText()) {
        seen.add(f);
      }
      assertThat(seen).as("the silent client saw pings, then the close").contains("2");
    }
  }

  @Test
  void aClientThatNeverConnectsANamespaceIsClosedAfterTheConnectTimeout() throws Exception {
    try (RawWebSocket ws = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536)) {
      ws.readText();
      long start = System.nanoTime();
      String frame;
      do {
        frame = ws.readText();
        if ("2".equals(frame)) {
          ws.sendText("3");
        }
      } while (frame != null);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(waited).as("closed by the 1 s connect timeout").isBetween(800L, 5_000L);
    }
  }

  @Test
  void malformedPacketClosesOnlyThatConnection() throws Exception {
    try (RawWebSocket bad = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536);
         RawWebSocket good = new RawWebSocket(port, "/socket.io/?EIO=4&transport=websocket", 65_536)) {
      bad.readText();
      good.readText();
      bad.sendText("40");
      good.sendText("40");
      bad.readText();
      good.readText();
      bad.readText();
      good.readText();
      bad.sendText("42{\"not\":\"an array\"}");
      String frame;
      do {
        frame = bad.readText();
      } while (frame != null && !frame.equals("1"));
      good.sendText("42[\"message\",\"still here\"]");
      do {
        frame = good.readText();
      } while ("2".equals(frame));
      assertThat(frame).isEqualTo("42[\"message-back\",\"still here\"]");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("a connection was not answered in time", e);
    }
  }
}
