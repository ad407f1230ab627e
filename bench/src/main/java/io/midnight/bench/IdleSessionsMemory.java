package io.midnight.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory figures of a server process, read from outside: live heap after a full GC from {@code jcmd <pid>
 * GC.class_histogram} (which runs that full GC itself, whatever the collector, and also tells which classes the
 * bytes are in), VmRSS from {@code /proc/<pid>/status}, and the open sockets in {@code /proc/<pid>/fd}.
 */
final class IdleSessionsMemory {

  private static final Pattern HISTO_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
  private static final Pattern HISTO_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
  private static final long JCMD_TIMEOUT_S = 180;

  private IdleSessionsMemory() {
  }

  /** One reading of one server: live heap (bytes, instances) per class and in total, RSS, open sockets. */
  record Reading(long heapLive, long heapInstances, Map<String, long[]> classes, long rss, int sockets,
                 String inside) {
  }

  static Reading read(long pid, String inside) throws IOException, InterruptedException {
    Map<String, long[]> classes = new HashMap<>();
    long total = -1;
    long instances = -1;
    for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
      Matcher row = HISTO_ROW.matcher(line);
      if (row.matches()) {
        // lambdas: the same class in every server, under a different hidden-class address in each
        String name = row.group(3).replaceFirst("\\$\\$Lambda\\$\\d+/0x\\p{XDigit}+$", "\\$\\$Lambda");
        classes.merge(name, new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
          (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        continue;
      }
      Matcher t = HISTO_TOTAL.matcher(line.trim());
      if (t.matches()) {
        instances = Long.parseLong(t.group(1));
        total = Long.parseLong(t.group(2));
      }
    }
    if (total < 0) {
      throw new IOException("jcmd " + pid + " GC.class_histogram printed no Total line");
    }
    return new Reading(total, instances, classes, rss(pid), sockets(pid), inside);
  }

  /** VmRSS in bytes, -1 when unknown. */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Open sockets of the process (listening and connected), -1 when unknown. */
  static int sockets(long pid) {
    int n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            n++;
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return n;
  }

  /** Runs {@code jcmd <pid> args...} and returns what it printed; fails when it exits non-zero or hangs. */
  static String jcmd(long pid, String... args) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> command = new ArrayList<>();
    command.add(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd");
    command.add(Long.toString(pid));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("midnight-jcmd-", ".txt");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(JCMD_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("jcmd " + String.join(" ", args) + " on " + pid + " took over " + JCMD_TIMEOUT_S + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException("jcmd " + String.join(" ", args) + " on " + pid + " failed: " + text.strip());
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
