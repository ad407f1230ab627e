package io.midnight.loadtest.api;

import io.midnight.loadtest.LoadTestVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/** One run started through the config API: its state, its last progress lines and, once over, its report. */
final class ApiRun {

  enum State { RUNNING, STOPPING, FINISHED, STOPPED, FAILED }

  private static final int LOG_LINES = 40;

  final LoadTestVerticle test;
  final URI target;
  final Instant startedAt = Instant.now();
  private final Deque<String> log = new ArrayDeque<>();
  private volatile State state = State.RUNNING;
  private JsonObject report;
  private String reportDir;
  private String error;

  ApiRun(LoadTestVerticle test, URI target) {
    this.test = test;
    this.target = target;
  }

  String id() {
    return test.runId();
  }

  /** Progress lines come from the run's event loop; requests read them from the API's. */
  synchronized void log(String line) {
    if (log.size() == LOG_LINES) {
      log.removeFirst();
    }
    log.addLast(line);
  }

  State state() {
    return state;
  }

  boolean active() {
    return state == State.RUNNING || state == State.STOPPING;
  }

  void stopping() {
    state = State.STOPPING;
  }

  synchronized void finished(JsonObject report, String reportDir) {
    this.report = report;
    this.reportDir = reportDir;
    state = state == State.STOPPING ? State.STOPPED : State.FINISHED;
  }

  synchronized void failed(String error) {
    this.error = error;
    state = State.FAILED;
  }

  /** One line of a list: id, state, preset, start, and the verdict once there is one. */
  synchronized JsonObject summary() {
    return new JsonObject().put("id", id()).put("state", state.name().toLowerCase()).put("preset", test.preset().name())
      .put("target", target.toString()).put("startedAt", startedAt.toString())
      .put("verdict", report == null ? null : report.getJsonObject("verification").getString("verdict"))
      .put("error", error);
  }

  /** Everything: the summary, the preset, live progress, the last log lines, and the report once it is over. */
  synchronized JsonObject toJson() {
    return summary().put("config", test.preset().toJson()).put("progress", test.progress())
      .put("log", new JsonArray(log.stream().map(String::strip).toList()))
      .put("reportDir", reportDir).put("report", report);
  }
}
