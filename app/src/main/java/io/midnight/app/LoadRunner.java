package io.midnight.app;

import io.midnight.loadtest.ConsoleSummary;
import io.midnight.loadtest.Countdown;
import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.midnight.loadtest.report.ReportFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Runs one load test and files its report: what both {@code midnight load} and the menu do. */
final class LoadRunner {

  private LoadRunner() {
  }

  /** Runs {@code preset} against {@code target}, prints progress and the summary, writes the report files. */
  static JsonObject run(Vertx vertx, Preset preset, Countdown countdown, URI target, List<URI> gateways, Path reportDir,
                        PrintStream out) throws IOException {
    return run(vertx, preset, countdown, target, gateways, reportDir, out, test -> { });
  }

  /** The same, with {@code tune} setting the run's bounds (connect window, sends in flight) before it starts. */
  static JsonObject run(Vertx vertx, Preset preset, Countdown countdown, URI target, List<URI> gateways, Path reportDir,
                        PrintStream out, Consumer<LoadTestVerticle> tune) throws IOException {
    boolean terminal = System.console() != null;
    LiveView live = terminal ? new LiveView(out) : null;
    LoadTestVerticle test = new LoadTestVerticle(preset, countdown, target, terminal ? live : out::println)
      .plainProgress(!terminal);
    tune.accept(test);
    if (gateways != null && !gateways.isEmpty()) {
      test.gateways(gateways);
    }
    long redraw = -1;
    if (live != null) {
      live.watch(test);
      redraw = vertx.setPeriodic(500, t -> live.redraw());
    }
    String id = vertx.deployVerticle(test).await();
    JsonObject report;
    try {
      report = test.report().await();
    } finally {
      vertx.cancelTimer(redraw);
      if (live != null) {
        live.redraw();
        live.finish();
      }
      vertx.undeploy(id).await();
    }
    Path page = ReportFiles.write(reportDir != null ? reportDir : ReportFiles.newDir(Path.of("reports"), preset.name()),
      report);
    out.print(ConsoleSummary.of(report));
    out.println("  report: " + page + " (and report.json)");
    return report;
  }

  static boolean verified(JsonObject report) {
    return report.getJsonObject("verification").getString("verdict").startsWith("verified");
  }
}
