package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operators' monitoring files under {@code docker/} (Prometheus config and alert rules, Grafana provisioning
 * and dashboard) and the Debian tools that check them: {@code promtool}, {@code prometheus} and
 * {@code prometheus-node-exporter}. A missing tool fails the test that needs it ({@code .ci/run} installs them).
 */
final class Monitoring {

  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");

  /** What the compose Prometheus reads the operator key from (compose.yaml writes it there). */
  static final String CREDENTIALS_FILE = "/run/midnight/operator.key";

  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
    "ignoring", "group_left", "group_right", "inf", "nan", "atan2");

  private Monitoring() {
  }

  /** The repository's root: the tests run in {@code app/}, the build may run them from elsewhere. */
  static Path repo() {
    for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/compose.yaml")) && Files.isDirectory(p.resolve("app"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (docker/compose.yaml) above " + System.getProperty("user.dir"));
  }

  static Path prometheusDir() {
    return repo().resolve("docker/prometheus");
  }

  /** A YAML file as JSON (anchors and merge keys resolved), for Vert.x's JsonObject. */
  static JsonObject yaml(Path file) {
    try {
      Map<String, Object> map = new Yaml().load(Files.readString(file));
      return new JsonObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject json(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The scrape job named {@code name} of a Prometheus config. */
  static JsonObject job(JsonObject config, String name) {
    for (Object job : config.getJsonArray("scrape_configs")) {
      if (name.equals(((JsonObject) job).getString("job_name"))) {
        return (JsonObject) job;
      }
    }
    throw new AssertionError("prometheus.yml has no scrape job '" + name + "'");
  }

  /** Every alert rule of alerts.yml, by name. */
  static List<JsonObject> alertRules() {
    List<JsonObject> rules = new ArrayList<>();
    for (Object group : yaml(prometheusDir().resolve("alerts.yml")).getJsonArray("groups")) {
      for (Object rule : ((JsonObject) group).getJsonArray("rules")) {
        rules.add((JsonObject) rule);
      }
    }
    return rules;
  }

  /** Every PromQL expression of the dashboard's panels. */
  static List<String> dashboardExprs(JsonObject dashboard) {
    List<String> exprs = new ArrayList<>();
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets", new JsonArray())) {
        exprs.add(((JsonObject) target).getString("expr"));
      }
    }
    return exprs;
  }

  /**
   * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges, label lists
   * and Grafana's variables are gone, less functions (a name before a parenthesis) and keywords.
   */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
      .replaceAll("\\{[^}]*}", " ")
      .replaceAll("\\[[^]]*]", " ")
      .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
      .replaceAll("\\$\\w+", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  record Run(int exitCode, String output) {
  }

  /** Runs a tool to its end (bounded) and answers its exit code and output. */
  static Run run(Path workDir, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("midnight-monitoring", ".out");
    try {
      Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
      }
      return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static void assertInstalled(Path tool) {
    assertThat(tool).as("%s: apt-get install prometheus prometheus-node-exporter (.ci/run does)", tool)
      .isExecutable();
  }
}
