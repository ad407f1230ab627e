package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose Prometheus config in a real Prometheus (Debian's, 1 s scrapes) against the real jar with the
 * operator key required even on loopback, and a real node-exporter: the series arrive with the value the node
 * counted, every metric the Grafana dashboard and the alert rules read exists in what Prometheus scraped, every
 * dashboard query is PromQL Prometheus runs, and every alert rule evaluates without error.
 */
class MonitoringIT {

  private static final String KEY = "monitoring-it-operator-key-0123456789";
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** Alerts a healthy node with a little traffic must not raise (the disk ones depend on this machine's disk). */
  private static final Set<String> QUIET = Set.of("MidnightNodeDown", "MidnightStorageNotWritable",
    "MidnightRefusalsRising");

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void prometheusScrapesANodeWithTheComposeConfigAndEveryChartedMetricExists() throws Exception {
    Monitoring.assertInstalled(Monitoring.PROMETHEUS);
    Monitoring.assertInstalled(Monitoring.NODE_EXPORTER);
    Map<String, String> env = Map.of("MIDNIGHT_AUTH_OPERATOR_KEY", KEY, "MIDNIGHT_AUTH_OPERATOR_OPEN_ON_LOOPBACK", "false");
    try (MidnightProcess node = MidnightProcess.serve(dir.resolve("data"), MidnightProcess.freePort(), env,
      dir.resolve("midnight.log"))) {
      assertThat(node.api.get("/metrics", null).status()).as("/metrics without the key: the scrape needs it")
        .isEqualTo(401);
      long sent = traffic(node.api);

      int exporterPort = MidnightProcess.freePort();
      int prometheusPort = MidnightProcess.freePort();
      Process exporter = null;
      Process prometheus = null;
      try {
        exporter = start(dir.resolve("node-exporter.log"), Monitoring.NODE_EXPORTER.toString(),
          "--web.listen-address=127.0.0.1:" + exporterPort, "--collector.disable-defaults", "--collector.filesystem");
        prometheus = start(dir.resolve("prometheus.log"), Monitoring.PROMETHEUS.toString(),
          "--config.file=" + config(node.port, exporterPort), "--storage.tsdb.path=" + dir.resolve("tsdb"),
          "--web.listen-address=127.0.0.1:" + prometheusPort);
        Prometheus api = new Prometheus(prometheusPort, dir.resolve("prometheus.log"));

        JsonArray received = api.poll("midnight_messages_received_total", r -> !r.isEmpty());
        assertThat(value(received.getJsonObject(0))).as("what Prometheus scraped with the key").isEqualTo(sent);
        assertThat(value(api.poll("up{job=\"midnight\"} == 1", r -> !r.isEmpty()).getJsonObject(0))).isEqualTo(1);
        assertThat(value(api.poll("up{job=\"disk\"} == 1", r -> !r.isEmpty()).getJsonObject(0))).isEqualTo(1);
        assertThat(value(api.poll("midnight_storage_writable", r -> !r.isEmpty()).getJsonObject(0))).isEqualTo(1);

        // every metric a chart or an alert reads is one Prometheus scraped
        JsonObject dashboard = Monitoring.json(Monitoring.repo().resolve("docker/grafana/dashboards/midnight.json"));
        Map<String, Set<String>> read = new LinkedHashMap<>();
        Monitoring.dashboardExprs(dashboard).forEach(e -> read.put(e, Monitoring.metricNames(e)));
        Monitoring.alertRules().forEach(r -> read.put(r.getString("expr"), Monitoring.metricNames(r.getString("expr"))));
        Set<String> wanted = new HashSet<>();
        read.values().forEach(wanted::addAll);
        Set<String> scraped = api.pollNames(wanted);
        List<String> missing = new ArrayList<>();
        read.forEach((expr, names) -> names.stream().filter(n -> !scraped.contains(n))
          .forEach(n -> missing.add(n + " in: " + expr)));
        assertThat(missing).as("metrics no node serves").isEmpty();

        for (String expr : Monitoring.dashboardExprs(dashboard)) {
          JsonObject answer = api.query(expr.replace("$__rate_interval", "1m"));
          assertThat(answer.getString("status")).as("%s: %s", expr, answer.encode()).isEqualTo("success");
        }

        List<JsonObject> rules = api.pollRules();
        assertThat(rules).extracting(r -> r.getString("name"))
          .containsExactlyInAnyOrderElementsOf(Monitoring.alertRules().stream().map(r -> r.getString("alert")).toList());
        for (JsonObject rule : rules) {
          assertThat(rule.getString("health")).as("%s: %s", rule.getString("name"), rule.getString("lastError"))
            .isEqualTo("ok");
        }
        List<String> raised = api.get("/api/v1/alerts").getJsonObject("data").getJsonArray("alerts").stream()
          .map(a -> ((JsonObject) a).getJsonObject("labels").getString("alertname")).toList();
        assertThat(raised).as("alerts on a healthy node").doesNotContainAnyElementsOf(QUIET);
      } finally {
        stop(prometheus);
        stop(exporter);
      }
    }
  }

  /** Two users send 20 messages through the HTTP API; answers how many were stored. */
  private static long traffic(Api api) {
    long stored = 0;
    for (String name : List.of("monitor_a", "monitor_b")) {
      String token = api.user(name).getString("token");
      assertThat(api.post("/api/rooms/1/join", token, "{}").status()).isEqualTo(200);
      for (int i = 0; i < 10; i++) {
        Api.Reply reply = api.post("/api/rooms/1/messages", token,
          new JsonObject().put("text", "🎆 " + i).put("clientMsgId", name + "-" + i));
        assertThat(reply.status()).as("send %s %d: %s", name, i, reply.body()).isEqualTo(201);
        stored++;
      }
    }
    return stored;
  }

  /**
   * docker/prometheus/prometheus.yml with what only compose can give changed: 1 s scrapes and rule evaluations,
   * this node and node-exporter as the targets, the operator key in a file of this test's, the rules by path.
   */
  private Path config(int nodePort, int exporterPort) throws IOException {
    JsonObject config = Monitoring.yaml(Monitoring.prometheusDir().resolve("prometheus.yml"));
    config.getJsonObject("global").put("scrape_interval", "1s").put("evaluation_interval", "1s");
    JsonArray rules = new JsonArray();
    config.getJsonArray("rule_files").forEach(f -> rules.add(Monitoring.prometheusDir().resolve((String) f).toString()));
    config.put("rule_files", rules);
    JsonObject midnight = Monitoring.job(config, "midnight");
    Path key = Files.writeString(dir.resolve("operator.key"), KEY);
    midnight.getJsonObject("authorization").put("credentials_file", key.toString());
    midnight.put("static_configs", new JsonArray().add(new JsonObject()
      .put("targets", new JsonArray().add("127.0.0.1:" + nodePort)).put("labels", new JsonObject().put("role", "services"))));
    Monitoring.job(config, "disk").put("static_configs", new JsonArray().add(new JsonObject()
      .put("targets", new JsonArray().add("127.0.0.1:" + exporterPort))));
    // JSON is YAML: Prometheus reads it as it is
    return Files.writeString(dir.resolve("prometheus.yml"), config.encodePrettily());
  }

  private static Process start(Path log, String... command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static double value(JsonObject sample) {
    return Double.parseDouble(sample.getJsonArray("value").getString(1));
  }

  /** Prometheus' HTTP API. */
  private static final class Prometheus {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Path log;

    Prometheus(int port, Path log) {
      this.base = "http://127.0.0.1:" + port;
      this.log = log;
    }

    JsonObject get(String pathAndQuery) {
      try {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(response.body());
      } catch (IOException e) {
        return new JsonObject().put("status", "unreachable").put("error", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    JsonObject query(String promql) {
      return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** Polls an instant query until its result passes {@code done} (not yet up, not yet scraped: again). */
    JsonArray poll(String promql, Predicate<JsonArray> done) throws InterruptedException {
      JsonObject last = null;
      for (long end = System.nanoTime() + PATIENCE.toNanos(); System.nanoTime() < end; Thread.sleep(500)) {
        last = query(promql);
        if ("success".equals(last.getString("status")) && done.test(last.getJsonObject("data").getJsonArray("result"))) {
          return last.getJsonObject("data").getJsonArray("result");
        }
      }
      throw new AssertionError("no answer to " + promql + " within " + PATIENCE.toSeconds() + " s; the last: " + last
        + "; Prometheus' log ends:" + MidnightProcess.tail(log));
    }

    /** The metric names Prometheus holds, once they include {@code wanted} or time is up. */
    Set<String> pollNames(Set<String> wanted) throws InterruptedException {
      Set<String> names = Set.of();
      for (long end = System.nanoTime() + PATIENCE.toNanos(); System.nanoTime() < end; Thread.sleep(500)) {
        JsonObject answer = get("/api/v1/label/__name__/values");
        if ("success".equals(answer.getString("status"))) {
          names = new HashSet<>(answer.getJsonArray("data").stream().map(String::valueOf).toList());
          if (names.containsAll(wanted)) {
            break;
          }
        }
      }
      return names;
    }

    /** The alerting rules, once each has been evaluated (or one failed to). */
    List<JsonObject> pollRules() throws InterruptedException {
      List<JsonObject> rules = List.of();
      for (long end = System.nanoTime() + PATIENCE.toNanos(); System.nanoTime() < end; Thread.sleep(500)) {
        JsonObject answer = get("/api/v1/rules?type=alert");
        if (!"success".equals(answer.getString("status"))) {
          continue;
        }
        rules = new ArrayList<>();
        for (Object group : answer.getJsonObject("data").getJsonArray("groups")) {
          for (Object rule : ((JsonObject) group).getJsonArray("rules")) {
            rules.add((JsonObject) rule);
          }
        }
        if (!rules.isEmpty() && rules.stream().noneMatch(r -> "unknown".equals(r.getString("health")))) {
          break;
        }
      }
      return rules;
    }
  }
}
