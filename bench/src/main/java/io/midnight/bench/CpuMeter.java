package io.midnight.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU use between two readings: this process (the load client), the server's process (from {@code /proc/<pid>}),
 * both in percent of one core as {@code top} shows them (200% = two cores busy), and the whole machine in percent
 * of all cores (from {@code /proc/stat}, so that other processes competing for the cores show; -1 where unknown).
 * Also the time the server's threads were runnable but waited for a core, in percent of one core: CPU plus that
 * wait is what the server would have used had the cores been its own.
 */
final class CpuMeter {

  static final int CORES = Runtime.getRuntime().availableProcessors();

  private final com.sun.management.OperatingSystemMXBean os =
    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final TargetProcess server;
  private long wall;
  private long client;
  private double serverSeconds;
  private double serverWaitSeconds;
  private long[] machine;

  /**
   * Percent of one core for the client and the server, percent of all cores for the machine; {@code serverWait}:
   * percent of one core the server's threads spent waiting for a core while runnable.
   */
  record Use(double client, double server, double machine, double serverWait) {

    /** Server CPU plus its wait for a core: the cores it asked for (-1 when unknown). */
    double serverDemand() {
      return server < 0 || serverWait < 0 ? -1 : server + serverWait;
    }

    /** The machine's use that is neither the client nor the server, in percent of all cores (-1 when unknown). */
    double others() {
      return machine < 0 ? -1 : Math.max(0, machine - (client + Math.max(0, server)) / CORES);
    }
  }

  /** {@code server} may be null: then only the client and the machine are measured. */
  CpuMeter(TargetProcess server) {
    this.server = server;
    reset();
  }

  void reset() {
    wall = System.nanoTime();
    client = os.getProcessCpuTime();
    serverSeconds = server == null ? -1 : server.cpuSeconds();
    serverWaitSeconds = server == null ? -1 : server.waitSeconds();
    machine = machineTicks();
  }

  Use read() {
    double elapsed = Math.max(1, System.nanoTime() - wall);
    double clientShare = 100.0 * (os.getProcessCpuTime() - client) / elapsed;
    double serverNow = server == null ? -1 : server.cpuSeconds();
    double serverUsed = serverNow < 0 || serverSeconds < 0 ? -1 : serverNow - serverSeconds;
    double serverShare = serverUsed < 0 ? -1 : 100.0 * serverUsed * 1e9 / elapsed;
    long[] now = machineTicks();
    double machineShare = -1;
    if (now != null && machine != null && now[0] > machine[0]) {
      machineShare = 100.0 * (1 - (double) (now[1] - machine[1]) / (now[0] - machine[0]));
    }
    double waitNow = server == null ? -1 : server.waitSeconds();
    double waited = waitNow < 0 || serverWaitSeconds < 0 ? -1 : Math.max(0, waitNow - serverWaitSeconds);
    double waitShare = waited < 0 ? -1 : 100.0 * waited * 1e9 / elapsed;
    return new Use(clientShare, serverShare, machineShare, waitShare);
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
