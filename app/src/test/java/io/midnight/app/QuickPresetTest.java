package io.midnight.app;

import io.midnight.loadtest.Countdown;
import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
  void connectionTestHoldsEveryConnectionFromSeveralSourceAddresses() throws Exception {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Preset connections = Preset.named("connections").orElseThrow().with(50, 5, 3, null);
      LoadTestVerticle test = new LoadTestVerticle(connections, URI.create("http://127.0.0.1:" + midnight.port),
        line -> { }).usersPerSourceAddress(20);
      midnight.vertx.deployVerticle(test).await();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> test.progress().getString("phase").equals("hold"));
      Map<String, Long> bySource = establishedTo(midnight.port);
      JsonObject report = test.report().await();

      assertThat(report.getJsonObject("config").getJsonArray("sourceAddresses"))
        .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3");
      assertThat(bySource).as("the kernel's view of the held sockets, by source address")
        .containsEntry("127.0.0.2", 17L).containsEntry("127.0.0.3", 16L);
      assertThat(bySource.get("127.0.0.1")).as("17 users, plus the tool's HTTP API connections")
        .isGreaterThanOrEqualTo(17L);

      assertThat(report.getString("kind")).isEqualTo("connections");
      assertThat(report.getJsonObject("totals").getLong("sent")).isZero();
      JsonObject held = report.getJsonObject("connections");
      assertThat(held.getLong("joined")).isEqualTo(50);
      assertThat(held.getLong("minHeld")).isEqualTo(50);
      assertThat(report.getJsonObject("latency").getJsonObject("connectMs").getLong("count")).isEqualTo(50);
      assertThat(report.getJsonObject("verification").getString("verdict"))
        .isEqualTo("verified: held 50 of 50 connections for 3 s");
    }
  }

  @Test
  void midnightCountdownBurstsAtZeroAndClearsItsBacklog() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Preset burst = Preset.named("midnight").orElseThrow().with(40, 4, 8, 0.5);
      LoadTestVerticle test = new LoadTestVerticle(burst, new Countdown(3, 2, 10, 0),
        URI.create("http://127.0.0.1:" + midnight.port), line -> { });
      midnight.vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();

      assertThat(report.getJsonObject("verification").getString("verdict"))
        .isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
      JsonObject shape = report.getJsonObject("midnight");
      assertThat(shape.getDouble("backlogClearedSeconds")).as("the burst's backlog was acked").isNotNull();
      // every one of the 40 users sends its 10 greetings in the 2 s window, whatever its base rate
      assertThat(shape.getLong("burstSent")).isEqualTo(400);
      assertThat(shape.getLong("burstAcked")).isEqualTo(400);
      assertThat(shape.getLong("burstDeliveriesOwed")).as("10 members per room").isEqualTo(4_000);
      assertThat(shape.getLong("burstDelivered")).isEqualTo(4_000);
      assertThat(shape.getDouble("burstAckedWithinSeconds")).isPositive();
      assertThat(shape.getDouble("burstDeliveredWithinSeconds"))
        .isGreaterThanOrEqualTo(shape.getDouble("burstAckedWithinSeconds") - 0.5);
      assertThat(shape.getLong("peakDeliveriesPerSecond")).isPositive();
      // base: 40 users x 0.5/s = 20 msgs/s for the 6 s outside the window, plus the 400 greetings
      long sent = report.getJsonObject("totals").getLong("sent");
      assertThat(sent).as("6 s at base plus the burst").isBetween(500L, 540L);
      long peak = report.getJsonArray("timeline").stream()
        .mapToLong(p -> ((JsonObject) p).getLong("sent")).max().orElse(0);
      assertThat(peak).as("the busiest second is the burst, about 10x the base 20/s").isGreaterThan(100);
    }
  }

  @Test
  void aConnectStormConnectsTheUsersInTheCountdownsLastSecondsAndSendsFromZeroHour() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Preset burst = Preset.named("midnight").orElseThrow().with(40, 4, 4, 0.5);
      LoadTestVerticle test = new LoadTestVerticle(burst, new Countdown(4, 1, 2, 2),
        URI.create("http://127.0.0.1:" + midnight.port), line -> { });
      midnight.vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();

      assertThat(report.getJsonObject("verification").getString("verdict"))
        .isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
      Map<String, Double> phases = report.getJsonArray("phases").stream().map(p -> (JsonObject) p)
        .collect(Collectors.toMap(p -> p.getString("name"), p -> p.getDouble("seconds")));
      assertThat(phases.get("wait")).as("nobody connects in the first 2 s of the 4 s countdown").isGreaterThan(1.5);
      assertThat(phases.get("connect")).as("40 connects spread over the last 2 s").isGreaterThan(1.5);
      JsonObject shape = report.getJsonObject("midnight");
      assertThat(shape.getInteger("connectStormSeconds")).isEqualTo(2);
      assertThat(shape.getLong("burstSent")).isEqualTo(80);
      assertThat(shape.getLong("burstDelivered")).isEqualTo(800);
      double zero = shape.getDouble("burstStartT");
      long sentBefore = report.getJsonArray("timeline").stream().map(p -> (JsonObject) p)
        .filter(p -> p.getDouble("t") < zero - 0.05).mapToLong(p -> p.getLong("sent")).sum();
      assertThat(sentBefore).as("sending starts at 00:00").isZero();
    }
  }

  /**
   * Established client sockets to {@code port}, counted by source address, as the kernel lists them in
   * {@code /proc/net/tcp} and {@code tcp6} (where Java's sockets show IPv4 addresses mapped into IPv6).
   */
  private static Map<String, Long> establishedTo(int port) throws IOException {
    String remote = String.format(":%04X", port);
    List<String> lines = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Files.readAllLines(Path.of(table)).stream().skip(1).forEach(lines::add);
    }
    return lines.stream().map(String::trim).map(line -> line.split("\\s+"))
      .filter(f -> f[2].endsWith(remote) && f[3].equals("01"))
      .collect(Collectors.groupingBy(f -> ipv4(f[1].substring(f[1].indexOf(':') - 8, f[1].indexOf(':'))),
        TreeMap::new, Collectors.counting()));
  }

  /** The kernel writes an IPv4 address (the last 32 bits of an IPv6 one) as little-endian hex. */
  private static String ipv4(String hex) {
    long v = Long.parseLong(hex, 16);
    return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
  }
}
