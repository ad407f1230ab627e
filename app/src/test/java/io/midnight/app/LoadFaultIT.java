package io.midnight.app;

import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fault in the middle of a load run: the real server is killed with SIGKILL and restarted on the same data.
 * Clients reconnect and retry unanswered sends with the same clientMsgId; the report must show that the retries
 * stored nothing twice, that every acked message reached every member (missed ones are replayed from the store
 * on rejoin), and that the store holds exactly what was acked.
 */
class LoadFaultIT {

  @TempDir
  Path dir;

  @Test
  void aServerKilledMidRunLosesNothingAndRetriesDuplicateNothing() throws Exception {
    int port = MidnightProcess.freePort();
    Path data = dir.resolve("data");
    Vertx vertx = Vertx.vertx();
    MidnightProcess server = MidnightProcess.serve(data, port, Map.of(), dir.resolve("first.log"));
    MidnightProcess restarted = null;
    try {
      Preset run = Preset.named("quick").orElseThrow().with(20, 4, 12, 1.0);
      LoadTestVerticle test = new LoadTestVerticle(run, URI.create("http://127.0.0.1:" + port), System.out::println);
      vertx.deployVerticle(test).await();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> server.api.get("/health", null).status() != 200 || test.progress().getLong("sent", 0L) >= 60);
      server.killNine();
      Thread.sleep(1_000); // deliberate: the clients meet a dead server for a while before it is back
      restarted = MidnightProcess.serve(data, port, Map.of(), dir.resolve("second.log"));

      JsonObject report = test.report().await();
      JsonObject totals = report.getJsonObject("totals");
      JsonObject verification = report.getJsonObject("verification");
      System.out.println(totals.encode());
      System.out.println(verification.encode());
      assertThat(totals.getLong("reconnects")).as("every client lost its connection").isGreaterThanOrEqualTo(20);
      assertThat(verification.getLong("duplicated")).as("retries with the same clientMsgId").isZero();
      assertThat(verification.getLong("outOfOrder")).isZero();
      assertThat(verification.getLong("lost")).as("acked messages missed during the outage are replayed").isZero();
      assertThat(verification.getLong("stored")).as("the store holds each acked message once")
        .isEqualTo(verification.getLong("acked"));
      assertThat(totals.getLong("acked")).as("sends acked after retries").isEqualTo(totals.getLong("sent"));
      assertThat(totals.getLong("retries")).as("the outage made clients retry").isPositive();
    } finally {
      vertx.close().await();
      server.close();
      if (restarted != null) {
        restarted.close();
      }
    }
  }
}
