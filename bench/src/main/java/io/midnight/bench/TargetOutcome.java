package io.midnight.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What became of one target in a run: measured (its steps, and the overload phases when asked for), skipped (with
 * the reason) or failed (with the error).
 */
record TargetOutcome(FanoutOptions.Target target, String status, String reason, List<StepResult> steps,
                     Double capacity, List<OverloadPhase> overload) {

  static TargetOutcome measured(FanoutOptions.Target target, List<StepResult> steps, Double capacity,
                                List<OverloadPhase> overload) {
    return new TargetOutcome(target, "measured", null, List.copyOf(steps), capacity, List.copyOf(overload));
  }

  static TargetOutcome skipped(FanoutOptions.Target target, String reason) {
    return new TargetOutcome(target, "skipped", reason, List.of(), null, List.of());
  }

  static TargetOutcome failed(FanoutOptions.Target target, String reason) {
    return new TargetOutcome(target, "failed", reason, List.of(), null, List.of());
  }

  boolean isMeasured() {
    return status.equals("measured");
  }

  /** The highest deliveries/s within the objective (e2e p99 <= 50 ms, drained, rate reached). */
  Optional<StepResult> best() {
    return steps.stream().filter(StepResult::withinObjective)
      .max(Comparator.comparingDouble(StepResult::deliveriesPerSecond));
  }

  /** The highest deliveries/s of a step that drained, whatever its latency. */
  Optional<StepResult> highestDrained() {
    return steps.stream().filter(StepResult::drained).max(Comparator.comparingDouble(StepResult::deliveriesPerSecond));
  }

  /** The server's highest CPU over the steps, in percent of one core: what it reached at saturation. */
  Optional<Double> peakServerCpu() {
    return steps.stream().map(s -> s.cpu().server()).filter(c -> c >= 0).max(Double::compare);
  }

  /** The server's highest CPU plus wait for a core over the steps: the cores it asked for at saturation. */
  Optional<Double> peakServerDemand() {
    return steps.stream().map(s -> s.cpu().serverDemand()).filter(c -> c >= 0).max(Double::compare);
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    steps.forEach(s -> list.add(s.toJson()));
    JsonArray phases = new JsonArray();
    overload.forEach(p -> phases.add(p.toJson()));
    return new JsonObject().put("status", status).put("reason", reason).put("steps", list)
      .put("maxDeliveriesPerSecond", best().map(s -> StepResult.round(s.deliveriesPerSecond())).orElse(null))
      .put("atInboundPerSecond", best().map(s -> StepResult.round(s.inboundPerSecond())).orElse(null))
      .put("highestDrainedDeliveriesPerSecond",
        highestDrained().map(s -> StepResult.round(s.deliveriesPerSecond())).orElse(null))
      .put("peakServerCpuPercent", peakServerCpu().map(StepResult::round).orElse(null))
      .put("peakServerDemandPercent", peakServerDemand().map(StepResult::round).orElse(null))
      .put("overload", overload.isEmpty() && capacity == null ? null
        : new JsonObject().put("capacityDeliveriesPerSecond", capacity).put("phases", phases));
  }
}
