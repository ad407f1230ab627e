package io.midnight.app;

import io.midnight.app.cluster.ClusterCerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/** The real {@code midnight.jar} as a child process (the jar the build just packaged). */
final class MidnightProcess implements AutoCloseable {

  final Process process;
  final int port;
  final Api api;
  final Path log;

  private MidnightProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.api = new Api(port);
    this.log = log;
  }

  /**
   * A cluster node's identity ({@code --cluster-tls}): made with the test's CA and secret in {@code dir/cluster-tls},
   * one directory per node name.
   */
  static Path clusterTls(Path dir, String node) {
    try {
      return ClusterCerts.generate(dir.resolve("cluster-tls"), List.of(node), Duration.ofDays(1)).get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static Path jar() {
    String jar = System.getProperty("midnight.jar");
    if (jar == null) {
      throw new IllegalStateException("run through 'mvn verify': the system property midnight.jar names the jar");
    }
    return Path.of(jar);
  }

  /** Starts {@code midnight serve} and waits until {@code /health} answers 200. */
  static MidnightProcess serve(Path dataDir, int port, Map<String, String> env, Path log) throws Exception {
    return start(List.of("serve", "--host", "127.0.0.1", "--port", String.valueOf(port), "--data", dataDir.toString()),
      port, env, log);
  }

  /**
   * Starts the jar with {@code args}; waits until {@code /health} on {@code port} answers 200, or, for a node
   * without a gateway ({@code port} 0), until its log says it is up.
   */
  static MidnightProcess start(List<String> args, int port, Map<String, String> env, Path log) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-jar", jar().toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    MidnightProcess started = new MidnightProcess(builder.start(), port, log);
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
        if (!started.process.isAlive()) {
          throw new IllegalStateException("midnight exited with " + started.process.exitValue() + "; its log ends:"
            + tail(log));
        }
        return port == 0 ? java.nio.file.Files.readString(log).contains("] is up") : healthy(started.api);
      });
      return started;
    } catch (ConditionTimeoutException e) {
      started.close(); // never leave a server behind the test that started it
      throw new IllegalStateException("midnight did not come up within 90 s; its log ends:" + tail(log));
    } catch (Throwable e) {
      started.close(); // never leave a server behind the test that started it
      throw e;
    }
  }

  private static boolean healthy(Api api) {
    try {
      return api.get("/health", null).status() == 200;
    } catch (RuntimeException notYet) {
      return false; // not listening yet
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  void killNine() throws Exception {
    Process kill = new ProcessBuilder("kill", "-9", String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -9 " + process.pid() + " failed");
    }
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** The last lines of a log, for a failure message: the test's temporary directory is gone once it ends. */
  static String tail(Path log) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log);
      return System.lineSeparator() + String.join(System.lineSeparator(),
        lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return " (unreadable: " + e.getMessage() + ")";
    }
  }
}
