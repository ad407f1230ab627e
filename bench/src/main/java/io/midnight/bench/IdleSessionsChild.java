package io.midnight.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the idle-sessions benchmark as the coordinator sees it: started with its standard error in a
 * log file, commands written to its standard input, and its standard output read by a thread that keeps the last
 * {@code READY}, {@code S} (status), {@code STATS} and {@code CLOSED} lines it printed and shows its first {@code E}
 * (error) lines. {@link #stop()} ends it by its own process handle: the end of its input first (it quits), then
 * SIGTERM, then SIGKILL.
 */
final class IdleSessionsChild {

  private static final int MAX_SHOWN_ERRORS = 10;

  /** A client process's last status line. */
  record Status(int target, int started, int connecting, int open, int failed, int dropped, long pings,
                int minPings, int maxPings, int stale, int errors, long elapsedMs) {

    static final Status NONE = new Status(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    static Status parse(String[] f) {
      return new Status(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
        Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Long.parseLong(f[7]),
        Integer.parseInt(f[8]), Integer.parseInt(f[9]), Integer.parseInt(f[10]), Integer.parseInt(f[11]),
        Long.parseLong(f[12]));
    }
  }

  final String name;
  final Path log;
  private final Process process;
  private final PrintWriter stdin;
  private volatile String[] ready;
  private volatile Status status = Status.NONE;
  private volatile long statusCount;
  private volatile String stats;
  private volatile long statsCount;
  private volatile long closedCount;
  private int shownErrors;
  private boolean stopped;

  IdleSessionsChild(String name, List<String> command, Path logDir) throws IOException {
    this.name = name;
    this.log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    this.process = builder.start();
    this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
    Thread reader = new Thread(this::readOutput, "idle-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The fields of the {@code READY} line (READY pid ...), or null before it came. */
  String[] ready() {
    return ready;
  }

  Status status() {
    return status;
  }

  long statusCount() {
    return statusCount;
  }

  long closedCount() {
    return closedCount;
  }

  long statsCount() {
    return statsCount;
  }

  String stats() {
    return stats;
  }

  synchronized void send(String line) {
    if (!stopped) {
      stdin.println(line);
    }
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
      StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "READY" -> ready = f;
          case "S" -> {
            status = Status.parse(f);
            statusCount++;
          }
          case "STATS" -> {
            stats = line.substring(6);
            statsCount++;
          }
          case "CLOSED" -> closedCount++;
          case "E" -> {
            if (shownErrors++ < MAX_SHOWN_ERRORS) {
              System.out.println("  [" + name + "] " + line.substring(2));
            } else if (shownErrors == MAX_SHOWN_ERRORS + 1) {
              System.out.println("  [" + name + "] further errors are not shown");
            }
          }
          default -> System.out.println("  [" + name + "] " + line);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (process.isAlive()) {
        System.out.println("  [" + name + "] cannot read its output: " + e);
      }
    }
  }

  /** The last lines of its log (standard error), for a failure report. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Asks the process to end: {@code quit} and the end of its input. */
  void requestStop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      stdin.println("quit");
      stdin.close();
    }
  }

  /** Ends the process: {@link #requestStop()}, then SIGTERM after 10 s, then SIGKILL after 5 s more. */
  void stop() {
    requestStop();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
