package io.midnight.loadtest;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool against a server past its overload bound: a refused send comes back after the server's
 * {@code retryAfterMs} with the same clientMsgId, counts as refused (not as an error), and the message, acked
 * the second time, is verified like any other. Without the field the old backoff (1 s) holds.
 */
class RefusalRetryTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRefusalWithRetryAfterIsSentAgainThatMuchLaterUnderTheSameId() {
    JsonObject refusal = new JsonObject().put("code", "unavailable").put("message", "node overloaded")
      .put("retryAfterMs", 300);
    try (FakeChatServer server = new FakeChatServer(vertx, refusal, 1)) {
      JsonObject report = run(server, new Preset("refusal", 2, 1, 1, 1.0), 32);

      Map<String, List<FakeChatServer.Send>> byId = server.sends().stream()
        .collect(Collectors.groupingBy(FakeChatServer.Send::clientMsgId));
      assertThat(byId).as("2 users x 1 send").hasSize(2);
      byId.forEach((id, attempts) -> {
        assertThat(attempts).as("refused, then sent again under the same clientMsgId " + id).hasSize(2);
        long gapMs = TimeUnit.NANOSECONDS.toMillis(attempts.get(1).atNanos() - attempts.get(0).atNanos());
        assertThat(gapMs).as("waited retryAfterMs plus a little jitter").isBetween(300L, 700L);
      });
      JsonObject totals = report.getJsonObject("totals");
      assertThat(totals.getLong("refused")).isEqualTo(2);
      assertThat(totals.getLong("retries")).isEqualTo(2);
      assertThat(totals.getLong("acked")).isEqualTo(2);
      assertThat(totals.getJsonObject("errors")).as("a refusal is not an error").isEmpty();
      assertThat(totals.getLong("delivered")).isEqualTo(4);
      assertThat(report.getJsonObject("verification").getString("verdict"))
        .isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order (store not checked)");
    }
  }

  @Test
  void aJoinAnsweredBusyIsSentAgainAndTheUserTakesPart() {
    JsonObject busy = new JsonObject().put("code", "unavailable").put("message", "a service did not answer in time")
      .put("retryAfterMs", 200);
    try (FakeChatServer server = new FakeChatServer(vertx, null, 1).refuseFirstJoin(busy)) {
      JsonObject report = run(server, new Preset("busy-join", 3, 1, 1, 1.0), 32);

      JsonObject totals = report.getJsonObject("totals");
      assertThat(totals.getLong("connected")).as("every user joined on its second try").isEqualTo(3);
      assertThat(totals.getJsonObject("errors")).as("a busy answer is not a failed join").isEmpty();
      assertThat(totals.getLong("delivered")).isEqualTo(9);
      assertThat(report.getJsonObject("verification").getString("verdict")).startsWith("verified");
    }
  }

  @Test
  void aRefusalWithoutRetryAfterKeepsTheBackoff() {
    JsonObject refusal = new JsonObject().put("code", "unavailable").put("message", "try later");
    try (FakeChatServer server = new FakeChatServer(vertx, refusal, 1)) {
      JsonObject report = run(server, new Preset("refusal", 1, 1, 1, 1.0), 32);

      List<FakeChatServer.Send> attempts = server.sends();
      assertThat(attempts).hasSize(2);
      assertThat(attempts.get(1).clientMsgId()).isEqualTo(attempts.get(0).clientMsgId());
      assertThat(TimeUnit.NANOSECONDS.toMillis(attempts.get(1).atNanos() - attempts.get(0).atNanos()))
        .as("the first backoff step").isGreaterThanOrEqualTo(LoadRun.retryDelayMillis(0));
      assertThat(report.getJsonObject("totals").getLong("refused")).isEqualTo(1);
      assertThat(report.getJsonObject("verification").getString("verdict")).startsWith("verified");
    }
  }

  @Test
  void aSendDueWhileTheClientCapIsFullIsSkippedNotQueued() {
    try (FakeChatServer server = new FakeChatServer(vertx, null, 1_000)) {
      // 10 sends due within 1 s, acks take 1 s, 2 may be out: 2 sent, 8 skipped
      JsonObject report = run(server, new Preset("capped", 1, 1, 1, 10.0), 2);

      JsonObject totals = report.getJsonObject("totals");
      assertThat(totals.getLong("sent")).isEqualTo(2);
      assertThat(totals.getLong("skippedClientCap")).isEqualTo(8);
      assertThat(totals.getLong("acked")).isEqualTo(2);
      assertThat(totals.getJsonObject("errors")).isEmpty();
      assertThat(server.sends()).hasSize(2);
      assertThat(report.getJsonArray("warnings").encode()).contains("8 sends skipped");
      assertThat(report.getJsonObject("verification").getString("verdict")).startsWith("verified");
    }
  }

  private JsonObject run(FakeChatServer server, Preset preset, int maxInFlight) {
    LoadTestVerticle test = new LoadTestVerticle(preset, server.uri(), line -> { }).maxInFlight(maxInFlight);
    vertx.deployVerticle(test).await();
    return test.report().await();
  }
}
