package io.midnight.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's wait for a core, as the bench reads it from {@code /proc}: it grows when threads outnumber cores. */
class CpuWaitTest {

  @Test
  void threadsThatOutnumberTheCoresWaitForOne() throws InterruptedException {
    long pid = ProcessHandle.current().pid();
    double waitBefore = TargetProcess.waitSeconds(pid);
    double cpuBefore = TargetProcess.cpuSeconds(pid);
    assertTrue(waitBefore >= 0 && cpuBefore >= 0, "this process's /proc figures are readable");

    AtomicBoolean spin = new AtomicBoolean(true);
    AtomicLong sink = new AtomicLong();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < CpuMeter.CORES * 3; i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (spin.get()) {
          x += System.nanoTime() & 1;
        }
        sink.addAndGet(x); // keeps the loop from being optimised away
      });
      t.start();
      spinners.add(t);
    }
    Thread.sleep(500);
    spin.set(false);
    for (Thread t : spinners) {
      t.join();
    }

    assertTrue(TargetProcess.cpuSeconds(pid) > cpuBefore, "the spinners used CPU");
    assertTrue(TargetProcess.waitSeconds(pid) > waitBefore + 0.05,
      "three runnable threads per core waited for one: " + waitBefore + " -> " + TargetProcess.waitSeconds(pid));
  }
}
