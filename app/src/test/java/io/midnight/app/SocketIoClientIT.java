package io.midnight.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
  private static final long NPM_CI_SECONDS = 300;
  private static final long NODE_TEST_SECONDS = 180;

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void officialSocketIoClientSuitePasses() throws Exception {
    Path suite = suiteDir();
    String nodeVersion = version("node");
    version("npm");
    int[] v = Arrays.stream(nodeVersion.replaceFirst("^v", "").split("\\.")).limit(2)
      .mapToInt(Integer::parseInt).toArray();
    assertThat(v[0] > 20 || v[0] == 20 && v[1] >= 10)
      .as("Node.js %s: the suite needs 20.10 or newer (node --test --test-concurrency)", nodeVersion).isTrue();
    if (stale(suite)) {
      Run ci = run(List.of("npm", "ci", "--no-audit", "--no-fund"), suite, Map.of(), NPM_CI_SECONDS, "[npm] ");
      assertThat(ci.exitCode).as("npm ci in %s exited with %s; last output:%n%s", suite, ci.exitCode, ci.tail())
        .isZero();
    }

    Path log = dir.resolve("midnight.log");
    int port = MidnightProcess.freePort();
    try (MidnightProcess midnight = MidnightProcess.serve(dir.resolve("data"), port, ENV, log)) {
      Run node = run(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec", "test/"), suite,
        Map.of("MIDNIGHT_URL", "http://127.0.0.1:" + midnight.port, "NO_COLOR", "1"), NODE_TEST_SECONDS, "[node] ");
      if (node.exitCode != 0) {
        System.out.println("---- last lines of the server log " + log + " ----");
        System.out.println(tail(log, 80));
      }
      assertThat(node.exitCode)
        .as("node --test against Midnight on port %d exited with %s (the [node] lines of the test output hold "
          + "everything):%n%s", midnight.port, node.exitCode, node.failures())
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

  /** {@code cmd --version}, or a failure that says what to install. */
  private static String version(String command) throws InterruptedException {
    Run v;
    try {
      v = run(List.of(command, "--version"), Path.of("."), Map.of(), 60, null);
    } catch (IOException e) {
      fail("'" + command + "' is not on the PATH (" + e.getMessage() + "): SocketIoClientIT runs the official "
        + "socket.io-client under Node.js 20.10+ with npm; install them or skip integration tests (-DskipITs)");
      return null;
    }
    if (v.exitCode != 0 || v.lines.isEmpty()) {
      fail("'" + command + " --version' exited with " + v.exitCode + ": " + v.tail());
    }
    return v.lines.getLast().trim();
  }

  /**
   * True when node_modules does not hold exactly what the lockfile pins: a package missing, or installed in another
   * version (after a change of package-lock.json, or an install from something else).
   */
  private static boolean stale(Path suite) throws IOException {
    JsonObject packages = new JsonObject(Files.readString(suite.resolve("package-lock.json")))
      .getJsonObject("packages", new JsonObject());
    for (String path : packages.fieldNames()) {
      if (!path.startsWith("node_modules/")) {
        continue;
      }
      Path manifest = suite.resolve(path).resolve("package.json");
      if (!Files.isRegularFile(manifest) && packages.getJsonObject(path).getBoolean("optional", false)) {
        continue; // npm skips optional packages that do not fit this platform
      }
      if (!Files.isRegularFile(manifest)) {
        System.out.println("[npm] " + path + " is not installed: running npm ci");
        return true;
      }
      String pinned = packages.getJsonObject(path).getString("version");
      String installed = new JsonObject(Files.readString(manifest)).getString("version");
      if (pinned != null && !pinned.equals(installed)) {
        System.out.println("[npm] " + path + " is " + installed + ", the lockfile pins " + pinned + ": running npm ci");
        return true;
      }
    }
    return false;
  }

  private record Run(int exitCode, Deque<String> lines) {

    String tail() {
      return String.join(System.lineSeparator(), lines);
    }

    /** node --test's closing summary of the failed tests when there is one, else the last lines. */
    String failures() {
      List<String> all = List.copyOf(lines);
      int summary = -1;
      for (int i = all.size() - 1; i >= 0 && summary < 0; i--) {
        if (all.get(i).contains("failing tests:")) {
          summary = i;
        }
      }
      List<String> shown = summary >= 0 ? all.subList(summary, all.size()) : all.subList(Math.max(0, all.size() - 40),
        all.size());
      return String.join(System.lineSeparator(), shown.subList(0, Math.min(shown.size(), 120)));
    }
  }

  /**
   * Runs a command to completion within {@code seconds}, echoing each output line (stdout and stderr) with
   * {@code prefix} when it is not null; a command still running then is killed with its children and reported.
   */
  private static Run run(List<String> command, Path workDir, Map<String, String> env, long seconds, String prefix)
    throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Deque<String> lines = new ArrayDeque<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (prefix != null) {
            System.out.println(prefix + line);
          }
          synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > 200) {
              lines.removeFirst();
            }
          }
        }
      } catch (IOException closed) {
        // the process ended or was killed
      }
    }, "output of " + command.get(0));
    pump.setDaemon(true);
    pump.start();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      List<ProcessHandle> children = new ArrayList<>();
      try (Stream<ProcessHandle> descendants = process.descendants()) {
        descendants.forEach(children::add);
      }
      children.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      pump.join(5_000);
      synchronized (lines) {
        fail(String.join(" ", command) + " did not finish within " + seconds + " s and was killed; last output:"
          + System.lineSeparator() + String.join(System.lineSeparator(), lines));
      }
    }
    pump.join(10_000);
    synchronized (lines) {
      return new Run(process.exitValue(), new ArrayDeque<>(lines));
    }
  }

  private static String tail(Path file, int n) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
