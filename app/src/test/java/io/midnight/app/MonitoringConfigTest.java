package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose monitoring files, checked without Docker: {@code promtool} accepts the Prometheus config and the
 * alert rules, and every alert fires in {@code alerts.test.yml}'s unit tests; the compose file scrapes every node it
 * runs with the key it gives them; the Grafana dashboard has the operators' panels on the provisioned datasource.
 * {@code MonitoringIT} runs the same config in a real Prometheus against a real node.
 */
class MonitoringConfigTest {

  private static final Set<String> ALERTS = Set.of("MidnightNodeDown", "MidnightAckP99High", "MidnightRefusalsRising",
    "MidnightStorageNotWritable", "MidnightDiskFull", "MidnightDiskLow", "MidnightDatabaseDiskLow");
  private static final List<String> PANELS = List.of("Connections", "Messages in and out", "Ack latency",
    "Commit batch size", "Commit time", "Shards", "Slow consumers", "Refusals", "Storage", "Disk free");
  private static final Pattern PINNED = Pattern.compile("[a-z0-9./-]+:v?\\d+(\\.\\d+)*");

  @TempDir
  Path dir;

  @Test
  void promtoolAcceptsTheConfigReadingTheOperatorKeyFromAFile() throws Exception {
    Monitoring.assertInstalled(Monitoring.PROMTOOL);
    Path source = Monitoring.prometheusDir().resolve("prometheus.yml");
    JsonObject auth = Monitoring.job(Monitoring.yaml(source), "midnight").getJsonObject("authorization");
    assertThat(auth.getString("type")).isEqualTo("Bearer");
    assertThat(auth.getString("credentials_file")).isEqualTo(Monitoring.CREDENTIALS_FILE);

    // promtool wants the key file to exist: the same config, with the key in a file of this test's
    String text = Files.readString(source);
    assertThat(text.split(Pattern.quote(Monitoring.CREDENTIALS_FILE), -1)).hasSize(2);
    Path key = Files.writeString(dir.resolve("operator.key"), "a-test-operator-key-0123456789");
    Files.writeString(dir.resolve("prometheus.yml"), text.replace(Monitoring.CREDENTIALS_FILE, key.toString()));
    Files.copy(Monitoring.prometheusDir().resolve("alerts.yml"), dir.resolve("alerts.yml"));

    Monitoring.Run check = Monitoring.run(dir, Monitoring.PROMTOOL.toString(), "check", "config", "prometheus.yml");
    assertThat(check.exitCode()).as("promtool check config:%n%s", check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS").contains("alerts.yml");
  }

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    Monitoring.assertInstalled(Monitoring.PROMTOOL);
    Monitoring.Run check = Monitoring.run(Monitoring.prometheusDir(), Monitoring.PROMTOOL.toString(), "check", "rules",
      "alerts.yml");
    assertThat(check.exitCode()).as("promtool check rules:%n%s", check.output()).isZero();

    List<JsonObject> rules = Monitoring.alertRules();
    assertThat(rules).extracting(r -> r.getString("alert")).containsExactlyInAnyOrderElementsOf(ALERTS);
    for (JsonObject rule : rules) {
      assertThat(rule.getJsonObject("labels").getString("severity")).as(rule.getString("alert"))
        .isIn("warning", "critical");
      assertThat(rule.getJsonObject("annotations").getString("summary")).as(rule.getString("alert")).isNotBlank();
      assertThat(Monitoring.metricNames(rule.getString("expr"))).as(rule.getString("alert")).isNotEmpty();
    }
  }

  @Test
  void everyAlertFiresInTheRulesUnitTestsAndTheyPass() throws Exception {
    Monitoring.assertInstalled(Monitoring.PROMTOOL);
    Set<String> fired = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (Object test : Monitoring.yaml(Monitoring.prometheusDir().resolve("alerts.test.yml")).getJsonArray("tests")) {
      for (Object c : ((JsonObject) test).getJsonArray("alert_rule_test")) {
        JsonObject check = (JsonObject) c;
        (check.getJsonArray("exp_alerts", new JsonArray()).isEmpty() ? quiet : fired).add(check.getString("alertname"));
      }
    }
    assertThat(fired).as("alerts that some unit test expects to fire").containsAll(ALERTS);
    assertThat(quiet).as("alerts that some unit test expects to stay quiet").containsAll(ALERTS);

    Monitoring.Run test = Monitoring.run(Monitoring.prometheusDir(), Monitoring.PROMTOOL.toString(), "test", "rules",
      "alerts.test.yml");
    assertThat(test.exitCode()).as("promtool test rules:%n%s", test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void composeScrapesEveryNodeItRunsWithTheKeyItGivesThem() {
    JsonObject compose = Monitoring.yaml(Monitoring.repo().resolve("docker/compose.yaml"));
    JsonObject services = compose.getJsonObject("services");
    JsonObject prometheusYml = Monitoring.yaml(Monitoring.prometheusDir().resolve("prometheus.yml"));

    Set<String> nodes = new HashSet<>();
    for (String name : services.fieldNames()) {
      JsonObject service = services.getJsonObject(name);
      if (service.containsKey("build")) { // a Midnight node
        nodes.add(name + ":4000");
        List<String> verticles = List.of(service.getJsonArray("command").getString(1).split(","));
        assertThat(verticles).as("%s serves /metrics only with a gateway", name).contains("gateway");
        assertThat(service.getJsonObject("environment").getString("MIDNIGHT_AUTH_OPERATOR_KEY"))
          .as("%s's operator key", name).startsWith("${MIDNIGHT_AUTH_OPERATOR_KEY");
      } else {
        assertThat(service.getString("image")).as("%s's image is pinned", name).matches(PINNED);
      }
    }
    assertThat(targets(Monitoring.job(prometheusYml, "midnight"))).containsExactlyInAnyOrderElementsOf(nodes);
    assertThat(targets(Monitoring.job(prometheusYml, "disk"))).containsExactly("node-exporter:9100");

    JsonObject prometheus = services.getJsonObject("prometheus");
    String entrypoint = String.join(" ", prometheus.getJsonArray("entrypoint").stream().map(String::valueOf).toList());
    assertThat(entrypoint).as("the key goes to the file prometheus.yml reads")
      .contains("\"$$MIDNIGHT_AUTH_OPERATOR_KEY\" > " + Monitoring.CREDENTIALS_FILE)
      .contains("--config.file=/etc/prometheus/prometheus.yml");
    assertThat(prometheus.getJsonArray("tmpfs").getList())
      .contains(Path.of(Monitoring.CREDENTIALS_FILE).getParent().toString());
    assertThat(prometheus.getJsonObject("environment").getString("MIDNIGHT_AUTH_OPERATOR_KEY"))
      .startsWith("${MIDNIGHT_AUTH_OPERATOR_KEY");
    assertThat(mounts(prometheus)).contains("./prometheus:/etc/prometheus");

    JsonObject grafana = services.getJsonObject("grafana");
    String providerPath = Monitoring.yaml(Monitoring.repo().resolve("docker/grafana/provisioning/dashboards/midnight.yml"))
      .getJsonArray("providers").getJsonObject(0).getJsonObject("options").getString("path");
    assertThat(mounts(grafana)).contains("./grafana/provisioning:/etc/grafana/provisioning",
      "./grafana/dashboards:" + providerPath);
    assertThat(services.getJsonObject("node-exporter").getJsonArray("volumes").getList())
      .anyMatch(v -> String.valueOf(v).startsWith("postgres-data:"));
  }

  @Test
  void theDashboardHasTheOperatorsPanelsOnTheProvisionedDatasource() {
    JsonObject dashboard = Monitoring.json(Monitoring.repo().resolve("docker/grafana/dashboards/midnight.json"));
    String datasource = Monitoring.yaml(Monitoring.repo().resolve("docker/grafana/provisioning/datasources/prometheus.yml"))
      .getJsonArray("datasources").getJsonObject(0).getString("uid");
    assertThat(dashboard.getString("uid")).isNotBlank();
    assertThat(dashboard.getString("title")).isEqualTo("Midnight");

    List<JsonObject> panels = dashboard.getJsonArray("panels").stream().map(JsonObject.class::cast).toList();
    assertThat(panels).extracting(p -> p.getString("title")).containsAll(PANELS);
    assertThat(panels).extracting(p -> p.getInteger("id")).doesNotHaveDuplicates();
    List<int[]> cells = new ArrayList<>();
    for (JsonObject panel : panels) {
      String title = panel.getString("title");
      assertThat(panel.getJsonObject("datasource").getString("uid")).as(title).isEqualTo(datasource);
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as(title).isNotEmpty();
      for (Object t : targets) {
        JsonObject target = (JsonObject) t;
        assertThat(target.getString("refId")).as(title).isNotBlank();
        assertThat(target.getJsonObject("datasource").getString("uid")).as(title).isEqualTo(datasource);
        assertThat(Monitoring.metricNames(target.getString("expr"))).as("%s: %s", title, target.getString("expr"))
          .isNotEmpty();
      }
      JsonObject at = panel.getJsonObject("gridPos");
      int[] cell = {at.getInteger("x"), at.getInteger("y"), at.getInteger("w"), at.getInteger("h")};
      assertThat(cell[0] + cell[2]).as("%s fits in Grafana's 24 columns", title).isLessThanOrEqualTo(24);
      for (int[] other : cells) {
        boolean overlap = cell[0] < other[0] + other[2] && other[0] < cell[0] + cell[2]
          && cell[1] < other[1] + other[3] && other[1] < cell[1] + cell[3];
        assertThat(overlap).as("%s overlaps another panel", title).isFalse();
      }
      cells.add(cell);
    }
    String ack = panels.stream().filter(p -> p.getString("title").equals("Ack latency")).findFirst().orElseThrow()
      .getJsonArray("targets").stream().map(t -> ((JsonObject) t).getString("expr")).collect(Collectors.joining("\n"));
    assertThat(ack).contains("histogram_quantile(0.5,", "histogram_quantile(0.99,", "midnight_ack_latency_seconds_bucket");
  }

  @Test
  void metricNamesAreReadFromPromQl() {
    assertThat(Monitoring.metricNames(
      "histogram_quantile(0.99, sum by (le) (rate(midnight_ack_latency_seconds_bucket[$__rate_interval])))"))
      .containsExactly("midnight_ack_latency_seconds_bucket");
    assertThat(Monitoring.metricNames(
      "sum by (code) (rate(vertx_http_server_requests_total{code=~\"429|503|507\", method!=\"GET\"}[1m]))"))
      .containsExactly("vertx_http_server_requests_total");
    assertThat(Monitoring.metricNames("midnight_storage_disk_free_bytes - midnight_storage_disk_min_free_bytes < "
      + "1073741824 or predict_linear(midnight_storage_disk_free_bytes[30m], 4 * 3600) < 4e10"))
      .containsExactly("midnight_storage_disk_free_bytes", "midnight_storage_disk_min_free_bytes");
    assertThat(Monitoring.metricNames("up{job=\"midnight\"} == 0 unless on (instance) midnight_shards offset 5m"))
      .containsExactly("up", "midnight_shards");
  }

  private static List<String> targets(JsonObject job) {
    List<String> all = new ArrayList<>();
    for (Object c : job.getJsonArray("static_configs")) {
      ((JsonObject) c).getJsonArray("targets").forEach(t -> all.add(String.valueOf(t)));
    }
    return all;
  }

  /** A service's bind mounts as {@code source:target}, without the mode. */
  private static List<String> mounts(JsonObject service) {
    return service.getJsonArray("volumes").stream().map(String::valueOf)
      .map(v -> v.replaceFirst(":(ro|rw)$", "")).toList();
  }
}
