package io.midnight.app;

import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /metrics} scraped over HTTP while real traffic flows: the text parses as Prometheus exposition format,
 * Midnight's counters advance by exactly what the load test's report counts, a retried send is not counted twice,
 * and no label carries a user, room or socket id.
 */
class MetricsTest {

  /** A sample line: name, optional labels, value. */
  private static final Pattern SAMPLE = Pattern.compile(
    "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
  private static final Pattern LABEL_NAME = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
  private static final Pattern META = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  @TempDir
  Path dir;

  @Test
  void countersAdvanceByExactlyWhatWasSentAndDelivered() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Map<String, Double> before = scrape(midnight.api);
      assertThat(before).containsKeys("midnight_messages_received_total", "midnight_messages_delivered_total",
        "midnight_ack_latency_seconds_count", "midnight_commit_batch_size_count", "midnight_commit_seconds_count",
        "midnight_shards", "midnight_connections", "midnight_slow_consumers_disconnected_total", "midnight_users",
        "vertx_http_server_active_connections", "vertx_eventbus_handlers");
      assertThat(before.get("midnight_shards")).isEqualTo(1.0);

      Preset quick = Preset.named("quick").orElseThrow().with(null, null, 3, 1.0);
      LoadTestVerticle test = new LoadTestVerticle(quick, URI.create("http://127.0.0.1:" + midnight.port), line -> { });
      midnight.vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();
      JsonObject totals = report.getJsonObject("totals");
      assertThat(report.getJsonObject("verification").getString("verdict")).startsWith("verified");

      Map<String, Double> after = scrape(midnight.api);
      long acked = totals.getLong("acked");
      assertThat(acked).isPositive();
      assertThat(delta(before, after, "midnight_messages_received_total")).isEqualTo(acked);
      assertThat(delta(before, after, "midnight_ack_latency_seconds_count")).isEqualTo(acked);
      assertThat(delta(before, after, "midnight_messages_delivered_total")).isEqualTo(totals.getLong("delivered"));
      assertThat(delta(before, after, "midnight_commit_batch_size_sum")).as("every message was in a commit")
        .isGreaterThanOrEqualTo(acked);
      assertThat(after.get("midnight_users")).isEqualTo(30.0);
      assertThat(after.get("midnight_messages_stored")).isEqualTo((double) acked);

      String token = midnight.api.post("/api/users", null, new JsonObject().put("username", "metrics_probe")).body()
        .getString("token");
      midnight.api.post("/api/rooms/1/join", token, "{}");
      JsonObject send = new JsonObject().put("text", "🎆 once").put("clientMsgId", "probe-1");
      assertThat(midnight.api.post("/api/rooms/1/messages", token, send).status()).isEqualTo(201);
      assertThat(midnight.api.post("/api/rooms/1/messages", token, send).status()).as("a retry").isEqualTo(200);
      Map<String, Double> last = scrape(midnight.api);
      assertThat(delta(after, last, "midnight_messages_received_total")).as("the retry is not a new message")
        .isEqualTo(1);
      assertThat(delta(after, last, "midnight_ack_latency_seconds_count")).as("both were answered").isEqualTo(2);
    }
  }

  private static long delta(Map<String, Double> before, Map<String, Double> after, String series) {
    return Math.round(after.get(series) - before.get(series));
  }

  /** Every line must be a comment or a sample; answers the samples by series (name and labels). */
  private static Map<String, Double> scrape(Api api) {
    Api.Reply reply = api.get("/metrics", null);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    Map<String, Double> samples = new HashMap<>();
    for (String line : reply.raw().body().split("\n")) {
      if (line.isEmpty() || line.startsWith("# EOF")) {
        continue;
      }
      if (line.startsWith("#")) {
        assertThat(line).as("a comment line").matches(META);
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("not Prometheus text: %s", line).isTrue();
      String labels = m.group(2) == null ? "" : m.group(2);
      Matcher names = LABEL_NAME.matcher(labels);
      while (names.find()) {
        assertThat(names.group(1)).as("labels stay bounded: %s", line)
          .isNotIn("user", "userId", "username", "room", "roomId", "sid", "socket", "remote");
      }
      samples.put(m.group(1) + labels, Double.parseDouble(m.group(3).replace("+Inf", "Infinity")
        .replace("-Inf", "-Infinity")));
    }
    return samples;
  }
}
