package io.midnight.app;

import io.midnight.loadtest.Countdown;
import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presets end to end against an embedded Midnight: Quick's report must prove that nothing was lost; the
 * connection test must hold every connection.
 */
class QuickPresetTest {

  @TempDir
  Path dir;

  @Test
  void quickPresetIsVerified() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Preset quick = Preset.named("quick").orElseThrow().with(null, null, 6, 1.0);
      LoadTestVerticle test = new LoadTestVerticle(quick, URI.create("http://127.0.0.1:" + midnight.port),
        line -> { });
      midnight.vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();

      JsonObject totals = report.getJsonObject("totals");
      JsonObject verification = report.getJsonObject("verification");
      assertThat(totals.getLong("connected")).isEqualTo(30);
      assertThat(totals.getLong("sent")).as("30 users at 1 msg/s for 6 s").isBetween(170L, 180L);
      assertThat(totals.getLong("acked")).as("every send acked").isEqualTo(totals.getLong("sent"));
      assertThat(totals.getLong("delivered")).as("every member got every acked message")
        .isEqualTo(totals.getLong("expectedDeliveries")).isEqualTo(totals.getLong("acked") * 3);
      assertThat(verification.getLong("lost")).isZero();
      assertThat(verification.getLong("duplicated")).isZero();
      assertThat(verification.getLong("outOfOrder")).isZero();
      assertThat(verification.getLong("stored")).as("stored == acked").isEqualTo(verification.getLong("acked"))
        .isEqualTo(totals.getLong("acked"));
      assertThat(verification.getString("verdict")).isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
      assertThat(verification.getJsonArray("rooms")).hasSize(10);
      assertThat(report.getJsonArray("timeline").size()).isGreaterThanOrEqualTo(6);
      assertThat(report.getJsonObject("latency").getJsonObject("ackMs").getLong("count"))
        .isEqualTo(totals.getLong("acked"));
    }
  }

  @Test
  void connectionTestHoldsEveryConnection() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Preset connections = Preset.named("connections").orElseThrow().with(50, 5, 2, null);
      LoadTestVerticle test = new LoadTestVerticle(connections, URI.create("http://127.0.0.1:" + midnight.port),
        line -> { });
      midnight.vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();

      assertThat(report.getString("kind")).isEqualTo("connections");
      assertThat(report.getJsonObject("totals").getLong("sent")).isZero();
      JsonObject held = report.getJsonObject("connections");
      assertThat(held.getLong("joined")).isEqualTo(50);
      assertThat(held.getLong("minHeld")).isEqualTo(50);
      assertThat(report.getJsonObject("latency").getJsonObject("connectMs").getLong("count")).isEqualTo(50);
      assertThat(report.getJsonObject("verification").getString("verdict"))
        .isEqualTo("verified: held 50 of 50 connections for 2 s");
    }
  }

  @Test
  void midnightCountdownBurstsAtZeroAndClearsItsBacklog() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Preset burst = Preset.named("midnight").orElseThrow().with(40, 4, 8, 0.5);
      LoadTestVerticle test = new LoadTestVerticle(burst, new Countdown(3, 2, 10),
        URI.create("http://127.0.0.1:" + midnight.port), line -> { });
      midnight.vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();

      assertThat(report.getJsonObject("verification").getString("verdict"))
        .isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
      JsonObject shape = report.getJsonObject("midnight");
      assertThat(shape.getDouble("backlogClearedSeconds")).as("the burst's backlog was acked").isNotNull();
      // base: 40 users x 0.5/s = 20 msgs/s; the 2 s window at x10 adds ~360 more
      long sent = report.getJsonObject("totals").getLong("sent");
      assertThat(sent).as("8 s at base plus the burst").isBetween(480L, 560L);
      long peak = report.getJsonArray("timeline").stream()
        .mapToLong(p -> ((JsonObject) p).getLong("sent")).max().orElse(0);
      assertThat(peak).as("the busiest second is the burst, about 10x the base 20/s").isGreaterThan(100);
    }
  }
}
