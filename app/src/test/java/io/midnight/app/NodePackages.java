package io.midnight.app;

import io.vertx.core.json.JsonObject;

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

/** Node.js for the tests that run real npm packages: checks the tools, installs by the lockfile, runs commands. */
final class NodePackages {

  private static final long NPM_CI_SECONDS = 300;

  private NodePackages() {
  }

  /** Node.js 20.10+ and npm on the PATH, and {@code dir}'s node_modules exactly as its lockfile pins them. */
  static void install(Path dir) throws IOException, InterruptedException {
    String nodeVersion = version("node");
    version("npm");
    int[] v = Arrays.stream(nodeVersion.replaceFirst("^v", "").split("\\.")).limit(2)
      .mapToInt(Integer::parseInt).toArray();
    assertThat(v[0] > 20 || v[0] == 20 && v[1] >= 10)
      .as("Node.js %s: the tests need 20.10 or newer (node --test --test-concurrency)", nodeVersion).isTrue();
    if (stale(dir)) {
      Run ci = run(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, Map.of(), NPM_CI_SECONDS, "[npm] ");
      assertThat(ci.exitCode).as("npm ci in %s exited with %s; last output:%n%s", dir, ci.exitCode, ci.tail())
        .isZero();
    }
  }

  /** {@code cmd --version}, or a failure that says what to install. */
  private static String version(String command) throws InterruptedException {
    Run v;
    try {
      v = run(List.of(command, "--version"), Path.of("."), Map.of(), 60, null);
    } catch (IOException e) {
      fail("'" + command + "' is not on the PATH (" + e.getMessage() + "): the Node.js tests need "
        + "Node.js 20.10+ with npm; install them or skip integration tests (-DskipITs)");
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

  record Run(int exitCode, Deque<String> lines) {

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
  static Run run(List<String> command, Path workDir, Map<String, String> env, long seconds, String prefix)
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

}
