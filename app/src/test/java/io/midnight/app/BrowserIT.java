package io.midnight.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page and the dashboard in a real headless Chromium (Debian's {@code /usr/bin/chromium}) against the real
 * jar: {@code node --test} runs {@code src/test/browser} (playwright-core pinned by its lockfile). Two people chat,
 * history loads on scroll, a wrong password shows why, the dashboard moves. Screenshots land in
 * {@code target/browser-screenshots}.
 */
class BrowserIT {

  private static final String CHROMIUM = "/usr/bin/chromium";
  /** The history test preloads 120 messages as fast as HTTP goes. */
  private static final String OPERATOR_KEY = "the-browser-test-operator-key";
  private static final Map<String, String> ENV = Map.of(
    "MIDNIGHT_MESSAGES_RATE_PER_SECOND", "500",
    "MIDNIGHT_MESSAGES_BURST", "1000",
    "MIDNIGHT_AUTH_OPERATOR_KEY", OPERATOR_KEY);

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void chatPageAndDashboardWorkInChromium() throws Exception {
    assertThat(Path.of(CHROMIUM)).as("headless Chromium: apt-get install chromium").isExecutable();
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path suite = base.resolve("src/test/browser");
    NodePackages.install(suite);
    Path shots = base.resolve("target/browser-screenshots");
    Files.createDirectories(shots);
    Path log = dir.resolve("midnight.log");
    try (MidnightProcess midnight = MidnightProcess.serve(dir.resolve("data"), MidnightProcess.freePort(), ENV, log)) {
      NodePackages.Run node = NodePackages.run(
        List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec", "test/"), suite,
        Map.of("MIDNIGHT_URL", "http://127.0.0.1:" + midnight.port, "CHROMIUM", CHROMIUM,
          "SCREENSHOTS", shots.toString(), "NO_COLOR", "1", "OPERATOR_KEY", OPERATOR_KEY), 300, "[browser] ");
      assertThat(node.exitCode()).as("the browser tests (the [browser] lines hold everything; server log %s):%n%s",
        log, node.failures()).isZero();
    }
    assertThat(shots.resolve("chat.png")).isNotEmptyFile();
    assertThat(shots.resolve("dashboard.png")).isNotEmptyFile();
  }
}
