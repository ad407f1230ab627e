package io.midnight.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Midnight node a load test runs against when no {@code --target} is given: {@code midnight serve} (or
 * {@code midnight run ...}, a node of a {@link LocalCluster}) in a child JVM on loopback. Its own process because a
 * process may hold only so many open files (20,000 here) and every simulated user costs one socket on each side.
 * The child stops when this process ends, even by SIGKILL (its standard input closes), and then removes a
 * temporary data directory itself; its log is {@code server.log} in the data directory.
 */
final class ServerProcess implements AutoCloseable {

  private static final long START_SECONDS = 90;

  private final Process process;
  private final Path portFile;
  private final Path log;
  /** The node's gateway, once it is up; null for a node without one. */
  URI url;

  private ServerProcess(Process process, Path portFile, Path log) {
    this.process = process;
    this.portFile = portFile;
    this.log = log;
  }

  /** {@code midnight serve} on loopback; {@code temporary}: the data directory goes with the server. */
  static ServerProcess start(Path dataDir, boolean temporary, PrintStream out) throws IOException, InterruptedException {
    ServerProcess server = launch(List.of("serve", "--host", "127.0.0.1", "--port", "0"), dataDir, temporary, Map.of());
    server.awaitUp();
    out.println("Midnight on " + server.url + " (process " + server.process.pid() + ", data in " + dataDir + ", log "
      + server.log + ")");
    return server;
  }

  /**
   * Starts {@code midnight <args>} on {@code dataDir} with {@code env} added to this process's environment, without
   * waiting for it ({@link #awaitUp}).
   */
  static ServerProcess launch(List<String> args, Path dataDir, boolean temporary, Map<String, String> env)
    throws IOException {
    Files.createDirectories(dataDir);
    Path portFile = dataDir.resolve("server.port");
    Files.deleteIfExists(portFile);
    Path log = dataDir.resolve("server.log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    command.addAll(List.of("--data", dataDir.toString(), "--port-file", portFile.toString(), "--exit-with-parent"));
    if (temporary) {
      command.add("--remove-data-on-exit");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new ServerProcess(builder.start(), portFile, log);
  }

  /** Waits until the node wrote its port (it is up); its gateway's URL is then {@link #url}. */
  void awaitUp() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("the Midnight node did not start (see " + log + "):" + System.lineSeparator()
          + tail(log));
      }
      Thread.sleep(50);
    }
    int port = Integer.parseInt(Files.readString(portFile).trim());
    url = port > 0 ? URI.create("http://127.0.0.1:" + port) : null;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** SIGTERM: the server commits what is queued and stops; after 30 s it is killed. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
