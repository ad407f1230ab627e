package io.midnight.loadtest.report;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a run's report goes and what is written there: {@code report.json} and the self-contained page. */
public final class ReportFiles {

  private ReportFiles() {
  }

  /** {@code root/<yyyyMMdd-HHmmss>-<preset>}. */
  public static Path newDir(Path root, String preset) {
    return root.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + preset);
  }

  /** Writes both files into {@code dir} (created when missing); answers the page's path. */
  public static Path write(Path dir, JsonObject report) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"), report.encodePrettily());
    Path page = dir.resolve("report.html");
    Files.writeString(page, HtmlReport.render(report));
    return page;
  }
}
