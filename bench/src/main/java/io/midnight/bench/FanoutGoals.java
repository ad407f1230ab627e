package io.midnight.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The summary of a run: per target its highest deliveries/s within the objective and the highest that still
 * drained, Midnight's ratios to the bare server and to socket.io, and the goals, each met, not met, or not
 * judged when a figure it needs is missing.
 */
final class FanoutGoals {

  static final double BARE_RATIO = 0.8;
  static final double SOCKETIO_RATIO = 1.5;
  static final double SATURATION_CPU = 150;

  private final Map<FanoutOptions.Target, TargetOutcome> outcomes;
  private final JsonArray goals = new JsonArray();
  private final JsonObject ratios = new JsonObject();

  FanoutGoals(Map<FanoutOptions.Target, TargetOutcome> outcomes) {
    this.outcomes = outcomes;
  }

  /** Prints the summary and gives it as JSON (ratios and goals). */
  JsonObject print() {
    if (outcomes.values().stream().allMatch(o -> o.steps().isEmpty() && o.isMeasured())) {
      return new JsonObject(); // overload with a given capacity: no steps to sum up
    }
    System.out.printf("%nSummary: highest deliveries/s with e2e p99 <= %.0f ms and nothing lost; highest that still "
      + "drained (everything delivered within %d s)%n", StepResult.P99_LIMIT_MS, FanoutRun.DRAIN_MS / 1000);
    for (TargetOutcome o : outcomes.values()) {
      System.out.printf("  %-10s %s%n", o.target().label + ":", describe(o));
    }
    Optional<Double> midnightBest = figure(FanoutOptions.Target.midnight, TargetOutcome::best);
    Optional<Double> midnightDrained = figure(FanoutOptions.Target.midnight, TargetOutcome::highestDrained);
    Optional<Double> bareBest = figure(FanoutOptions.Target.bare, TargetOutcome::best);
    Optional<Double> bareDrained = figure(FanoutOptions.Target.bare, TargetOutcome::highestDrained);
    Optional<Double> socketIoBest = figure(FanoutOptions.Target.socketio, TargetOutcome::best);
    Optional<Double> socketIoDrained = figure(FanoutOptions.Target.socketio, TargetOutcome::highestDrained);
    ratio("Midnight / bare, p99 <= 50 ms", "midnightToBare", midnightBest, bareBest);
    ratio("Midnight / bare, highest drained", "midnightToBareDrained", midnightDrained, bareDrained);
    ratio("Midnight / socket.io, p99 <= 50 ms", "midnightToSocketIo", midnightBest, socketIoBest);
    ratio("Midnight / socket.io, highest drained", "midnightToSocketIoDrained", midnightDrained, socketIoDrained);
    System.out.println("Goals (issue 11):");
    goal("Midnight >= " + BARE_RATIO + "x bare at e2e p99 <= 50 ms", ratios.getDouble("midnightToBare"),
      BARE_RATIO, true);
    goal("Midnight highest drained >= " + BARE_RATIO + "x bare's", ratios.getDouble("midnightToBareDrained"),
      BARE_RATIO, true);
    goal("Midnight highest drained >= " + SOCKETIO_RATIO + "x socket.io's",
      ratios.getDouble("midnightToSocketIoDrained"), SOCKETIO_RATIO, true);
    TargetOutcome midnight = outcomes.get(FanoutOptions.Target.midnight);
    goal("Midnight server CPU > " + (int) SATURATION_CPU + "% at saturation (its busiest step)",
      midnight == null ? null : midnight.peakServerCpu().orElse(null), SATURATION_CPU, false);
    if (midnight != null) {
      midnight.peakServerDemand().ifPresent(d -> System.out.printf("    (server CPU plus its runnable threads' wait "
        + "for a core peaked at %.0f%%: the cores it asked for while the client shared them)%n", d));
    }
    return new JsonObject().put("ratios", ratios).put("goals", goals);
  }

  private Optional<Double> figure(FanoutOptions.Target target, Function<TargetOutcome, Optional<StepResult>> pick) {
    TargetOutcome o = outcomes.get(target);
    return o == null ? Optional.empty() : pick.apply(o).map(StepResult::deliveriesPerSecond);
  }

  private void ratio(String label, String key, Optional<Double> a, Optional<Double> b) {
    if (a.isPresent() && b.isPresent()) {
      double r = a.get() / b.get();
      ratios.put(key, Math.round(r * 100) / 100.0);
      System.out.printf("  %-40s %.2fx%n", label + ":", r);
    } else {
      ratios.putNull(key);
      System.out.printf("  %-40s no ratio (a side has no such step, or was not measured)%n", label + ":");
    }
  }

  /** {@code atLeast}: the value must reach the goal; otherwise it must exceed it. */
  private void goal(String label, Double value, double goal, boolean atLeast) {
    String verdict = value == null ? "not judged (a figure is missing)"
      : (atLeast ? value >= goal : value > goal) ? "met" : "NOT met";
    System.out.printf("  %-62s %s%s%n", label + ":", verdict,
      value == null ? "" : String.format(" (%.2f)", value));
    goals.add(new JsonObject().put("goal", label).put("value", value).put("threshold", goal)
      .put("met", value == null ? null : verdict.equals("met")));
  }

  private static String describe(TargetOutcome o) {
    if (!o.isMeasured()) {
      return o.status() + ": " + o.reason();
    }
    if (o.steps().isEmpty()) {
      return "no steps (capacity given)";
    }
    String best = o.best().map(b -> String.format("%,.0f deliveries/s (%,.0f msgs/s in; e2e p99 %.1f ms; server "
        + "CPU %s, client CPU %s)", b.deliveriesPerSecond(), b.inboundPerSecond(), b.endToEndP99(),
      StepResult.percent(b.cpu().server()), StepResult.percent(b.cpu().client())))
      .orElse("no step within the objective");
    String drained = o.highestDrained().map(d -> String.format("%,.0f deliveries/s (e2e p99 %.0f ms)",
      d.deliveriesPerSecond(), d.endToEndP99())).orElse("none");
    return best + "; highest drained " + drained + "; server CPU peak "
      + o.peakServerCpu().map(StepResult::percent).orElse("n/a");
  }
}
