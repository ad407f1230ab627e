package io.midnight.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --overload} on one target whose sockets are connected: each factor times its capacity (deliveries/s),
 * for the overload seconds, with RSS sampled every second, {@code /health} probed every second, and up to
 * {@value #DRAIN_MS} ms afterwards for refused messages to get through and deliveries to arrive.
 */
final class OverloadRun {

  static final long DRAIN_MS = 30_000;

  private final FanoutRun run;
  private final FanoutTarget target;
  private final FanoutOptions options;

  OverloadRun(FanoutRun run, FanoutTarget target, FanoutOptions options) {
    this.run = run;
    this.target = target;
    this.options = options;
  }

  List<OverloadPhase> run(double capacity) throws InterruptedException {
    List<OverloadPhase> phases = new ArrayList<>();
    for (double factor : options.overload().factors()) {
      double rate = factor * capacity / options.membersPerRoom();
      System.out.printf("  %s overload: %.0fx capacity = %,.0f deliveries/s asked (%,.0f msgs/s in) for %d s%n",
        target.name(), factor, factor * capacity, rate, options.overload().seconds());
      boolean reset = target.process().resetPeak();
      long[] peaks = new long[2];
      StepResult step;
      HealthProbe.Figures health;
      try (HealthProbe probe = new HealthProbe(target.port())) {
        step = run.run(run.nextStepId(), rate, options.overload().seconds(), DRAIN_MS, second -> {
          peaks[0] = Math.max(peaks[0], target.process().rssKb());
          peaks[1] = Math.max(peaks[1], TargetProcess.status(ProcessHandle.current().pid(), "VmRSS:"));
        });
        health = probe.stop();
      }
      peaks[0] = Math.max(peaks[0], target.process().rssKb());
      OverloadPhase phase = new OverloadPhase(factor, capacity, step, peaks[0] / 1024.0,
        target.process().peakRssKb() / 1024.0, reset, peaks[1] / 1024.0, health);
      System.out.println(phase.describe());
      phases.add(phase);
      if (!target.process().alive()) {
        System.out.println("  " + target.name() + " exited during the phase; its log ends:\n" + target.process().tail());
        break;
      }
    }
    return phases;
  }
}
