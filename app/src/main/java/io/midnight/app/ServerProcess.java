package io.midnight.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Midnight a load test runs against when no {@code --target} is given: {@code midnight serve} in a child JVM
 * on loopback. Its own process because a process may hold only so many open files (20,000 here) and every
 * simulated user costs one socket on each side. The child stops when this process ends, even by SIGKILL (its
 * standard input closes), and then removes a temporary data directory itself; its log is {@code server.log} in
 * the data directory.
 */
final class ServerProcess implements AutoCloseable {

  private static final long START_SECONDS = 60;

  private final Process process;
  final URI url;

  private ServerProcess(Process process, URI url) {
    this.process = process;
    this.url = url;
  }

  /** {@code temporary}: the data directory goes with the server, even when this process is killed first. */
  static ServerProcess start(Path dataDir, boolean temporary, PrintStream out) throws IOException, InterruptedException {
    Files.createDirectories(dataDir);
    Path portFile = dataDir.resolve("server.port");
    Files.deleteIfExists(portFile);
    Path log = dataDir.resolve("server.log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
      "--host", "127.0.0.1", "--port", "0", "--data", dataDir.toString(), "--port-file", portFile.toString(),
      "--exit-with-parent"));
    if (temporary) {
      command.add("--remove-data-on-exit");
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (!Files.exists(portFile)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new IOException("the Midnight server did not start (see " + log + "):" + System.lineSeparator()
          + tail(log));
      }
      Thread.sleep(50);
    }
    URI url = URI.create("http://127.0.0.1:" + Files.readString(portFile).trim());
    out.println("Midnight on " + url + " (process " + process.pid() + ", data in " + dataDir + ", log " + log + ")");
    return new ServerProcess(process, url);
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
