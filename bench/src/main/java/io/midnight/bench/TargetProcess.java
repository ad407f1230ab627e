package io.midnight.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in its own process, so that its CPU and memory can be read from {@code /proc/<pid>} apart
 * from the load client's. Started on a loopback port, ready once {@code GET /health} answers 200; its output goes to
 * a log file. Closing it sends SIGTERM, then SIGKILL after {@value #STOP_SECONDS} s.
 */
final class TargetProcess implements AutoCloseable {

  private static final long START_SECONDS = 120;
  private static final long STOP_SECONDS = 15;
  private static final long CLOCK_TICKS = clockTicks();
  /** Started and not yet closed: what a shutdown hook must stop, even one that runs while a target is starting. */
  private static final Set<TargetProcess> LIVE = ConcurrentHashMap.newKeySet();

  final String name;
  final int port;
  final Path log;
  private final Process process;

  private TargetProcess(String name, int port, Path log, Process process) {
    this.name = name;
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code command} in {@code dir} with {@code env} added and waits until it answers {@code /health}. */
  static TargetProcess start(String name, List<String> command, Path dir, Map<String, String> env, Path log, int port)
    throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    TargetProcess target = new TargetProcess(name, port, log, builder.start());
    LIVE.add(target);
    try {
      target.awaitHealthy();
      return target;
    } catch (IOException | InterruptedException | RuntimeException e) {
      target.close();
      throw e;
    }
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    // HTTP/1.1: the default h2c upgrade header makes Node's server treat the request as a WebSocket upgrade
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
      .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + " while starting; its log " + log
          + " ends:" + System.lineSeparator() + tail());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(name + " did not answer /health within " + START_SECONDS + " s; its log ends:"
          + System.lineSeparator() + tail());
      }
      Thread.sleep(100);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** User plus system CPU seconds the process has used so far (-1 when /proc cannot tell). */
  double cpuSeconds() {
    return cpuSeconds(pid());
  }

  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // fields after "(comm)": state is the first, utime the 12th and stime the 13th
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Seconds the process's threads, summed, were runnable but waited for a core (each thread's
   * {@code /proc/<pid>/task/<tid>/schedstat} run delay); -1 when unknown. With its CPU seconds it tells how much
   * CPU the process wanted: a server that waits as long as it runs would use another core if it had one.
   */
  double waitSeconds() {
    return waitSeconds(pid());
  }

  static double waitSeconds(long pid) {
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      long nanos = 0;
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          nanos += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[1]);
        } catch (IOException | RuntimeException e) {
          // a thread that ended between the listing and the read
        }
      }
      return nanos / 1e9;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Resident memory now ({@code VmRSS}), in KB; -1 when unknown. */
  long rssKb() {
    return status(pid(), "VmRSS:");
  }

  /** Peak resident memory ({@code VmHWM}) since start or since {@link #resetPeak}, in KB; -1 when unknown. */
  long peakRssKb() {
    return status(pid(), "VmHWM:");
  }

  /** Restarts VmHWM from the current RSS (Linux {@code clear_refs} 5); false when the kernel refuses. */
  boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/" + pid() + "/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static long status(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc here
    }
    return -1;
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log)";
    }
  }

  /** Closes every target process still running. */
  static void closeAll() {
    List.copyOf(LIVE).forEach(TargetProcess::close);
  }

  /** SIGTERM, and SIGKILL when it has not stopped in time; its children (if any) too. Safe to call twice. */
  @Override
  public void close() {
    LIVE.remove(this);
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** A loopback port free right now (another process could take it before the server binds it: rare, and loud). */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * The command that runs this jar's {@code midnight} with {@code args} in a new JVM: the JVM running the bench,
   * {@code -jar midnight.jar} when the bench runs from the jar (its class path otherwise, as in tests).
   */
  static List<String> midnightCommand(List<String> javaOptions, List<String> args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(javaOptions);
    String classPath = System.getProperty("java.class.path");
    if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
      command.addAll(List.of("-jar", classPath));
    } else {
      command.addAll(List.of("-cp", classPath, "io.midnight.app.Main"));
    }
    command.addAll(args);
    return command;
  }

  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      return getconf.waitFor(5, TimeUnit.SECONDS) && !out.isEmpty() ? Long.parseLong(out) : 100;
    } catch (IOException | RuntimeException e) {
      return 100; // Linux's USER_HZ nearly everywhere
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
