package io.midnight.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Socket.IO endpoint as the official client sees it: the real jar serves, and {@code node --test} runs the
 * suite in {@code src/test/node} (socket.io-client 4.8.1 and ws, pinned by its lockfile) against it. Needs Node.js
 * 20.10+ and npm on the PATH; installs the suite's packages with {@code npm ci} when {@code node_modules} is missing
 * or does not match the lockfile.
 */
class SocketIoClientIT {

  private static final Map<String, String> ENV = Map.of(
    "MIDNIGHT_MESSAGES_RATE_PER_SECOND", "200",
    "MIDNIGHT_MESSAGES_BURST", "400");
  private static final long NODE_TEST_SECONDS = 180;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void officialSocketIoClientSuitePasses() throws Exception {
    Path suite = suiteDir();
    NodePackages.install(suite);

    Path log = dir.resolve("midnight.log");
    int port = MidnightProcess.freePort();
    try (MidnightProcess midnight = MidnightProcess.serve(dir.resolve("data"), port, ENV, log)) {
      NodePackages.Run node = NodePackages.run(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec", "test/"), suite,
        Map.of("MIDNIGHT_URL", "http://127.0.0.1:" + midnight.port, "NO_COLOR", "1"), NODE_TEST_SECONDS, "[node] ");
      if (node.exitCode() != 0) {
        System.out.println("---- last lines of the server log " + log + " ----");
        System.out.println(tail(log, 80));
      }
      assertThat(node.exitCode())
        .as("node --test against Midnight on port %d exited with %s (the [node] lines of the test output hold "
          + "everything):%n%s", midnight.port, node.exitCode(), node.failures())
        .isZero();
      assertThat(midnight.process.isAlive()).as("Midnight is still up after the suite; see %s", log).isTrue();
    }
  }

  /** {@code src/test/node} of this module: failsafe runs in the module's directory and names it {@code basedir}. */
  private static Path suiteDir() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path suite = base.resolve("src/test/node");
    if (!Files.isRegularFile(suite.resolve("package.json")) || !Files.isDirectory(suite.resolve("test"))) {
      fail("the socket.io-client suite is not at " + suite.toAbsolutePath() + " (run from the app module)");
    }
    return suite;
  }

  private static String tail(Path file, int n) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
