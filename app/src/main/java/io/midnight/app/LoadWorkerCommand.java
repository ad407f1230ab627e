package io.midnight.app;

import io.midnight.loadtest.LoadWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code midnight load-worker}: holds a share of a load test's users for a {@code midnight load} elsewhere. */
@Command(name = "load-worker", mixinStandardHelpOptions = true,
  description = {"Hold a share of the users of a load test run by 'midnight load --remote-workers N' on another",
    "machine: connect to its control channel, run the users it hands out, report to it each second, and end",
    "with its run. This machine must reach the target's gateways; its clock must be in step with the main",
    "process's (NTP): latencies cross machines."})
final class LoadWorkerCommand implements Callable<Integer> {

  @Option(names = "--coordinator", paramLabel = "URL", required = true,
    description = "the control channel 'midnight load' printed, e.g. ws://10.0.0.5:7400/load-workers")
  String coordinator;

  @Override
  public Integer call() {
    return LoadWorker.run(coordinator);
  }
}
