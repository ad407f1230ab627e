package io.midnight.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU use between two readings, as a share of all cores: this process (server and load clients together) and the
 * whole machine (from {@code /proc/stat}, so that other processes competing for the cores show; -1 where there is
 * no such file).
 */
final class CpuMeter {

  private final com.sun.management.OperatingSystemMXBean os =
    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final int cores = Runtime.getRuntime().availableProcessors();
  private long wall;
  private long process;
  private long[] machine;

  /** Process and machine CPU in percent of all cores. */
  record Use(double process, double machine) {
  }

  CpuMeter() {
    reset();
  }

  void reset() {
    wall = System.nanoTime();
    process = os.getProcessCpuTime();
    machine = machineTicks();
  }

  Use read() {
    double elapsed = Math.max(1, System.nanoTime() - wall);
    double processShare = 100.0 * (os.getProcessCpuTime() - process) / (elapsed * cores);
    long[] now = machineTicks();
    double machineShare = -1;
    if (now != null && machine != null && now[0] > machine[0]) {
      machineShare = 100.0 * (1 - (double) (now[1] - machine[1]) / (now[0] - machine[0]));
    }
    return new Use(processShare, machineShare);
  }

  /** Total and idle (idle + iowait) jiffies of all cores, or null. */
  private static long[] machineTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
