package io.midnight.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches the load generator itself, so a report says when the client side, not the server, was the limit:
 * open files against the process limit, one source address's ephemeral ports, and this process's CPU.
 * Thread-safe.
 */
public final class ClientLimits {

  /** Read once: the process's limits do not change while it runs. */
  private static final long[] OPEN_FILES_LIMIT = openFilesLimit();
  /** Ports one source address can use; Linux's default range (32768-60999) where the kernel does not say. */
  private static final int EPHEMERAL_PORTS = ephemeralPorts();

  private final Set<String> warnings = new LinkedHashSet<>();
  private double peakCpu;

  ClientLimits() {
  }

  private static int ephemeralPorts() {
    int[] range = portRange();
    return range == null ? 28_232 : range[1] - range[0] + 1;
  }

  /** Files this process may still open before its limit, or -1 when the platform does not tell. */
  public static long filesLeft() {
    long open = openFiles();
    long max = maxOpenFiles();
    return open < 0 || max < 0 ? -1 : max - open;
  }

  /** {@code usersPerAddress}: the sockets one source address holds. */
  synchronized void check(int usersPerAddress) {
    if (usersPerAddress > EPHEMERAL_PORTS) {
      warnings.add(String.format("%,d users on one source address need more than its %,d ephemeral ports",
        usersPerAddress, EPHEMERAL_PORTS));
    }
    long open = openFiles();
    long max = maxOpenFiles();
    if (open > 0 && max > 0 && open > max * 0.9) {
      warnings.add(String.format("client open files %,d of %,d: run more load worker processes", open, max));
    }
    peakCpu = Math.max(peakCpu, processCpu());
  }

  synchronized List<String> warnings() {
    List<String> all = new ArrayList<>(warnings);
    if (peakCpu > 0.9) {
      all.add(String.format("client CPU peaked at %.0f%%: latency figures include the load generator's own delay",
        peakCpu * 100));
    }
    return all;
  }

  private static long openFiles() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }

  private static long maxOpenFiles() {
    long[] limit = OPEN_FILES_LIMIT;
    return limit == null ? -1 : limit[0];
  }

  /** Soft and hard "Max open files" of this process (children inherit them; -1 is unlimited), or null. */
  public static long[] openFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return new long[] {limit(f[0]), limit(f[1])};
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private static long limit(String value) {
    return value.equals("unlimited") ? -1 : Long.parseLong(value);
  }

  /** The kernel's ephemeral port range {@code [first, last]}, or null where it does not say. */
  public static int[] portRange() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
      return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** CPU seconds this process has used so far (all threads), or -1 when the platform does not tell. */
  static double cpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? -1 : nanos / 1e9;
    }
    return -1;
  }

  private static double processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuLoad();
    }
    return -1;
  }
}
