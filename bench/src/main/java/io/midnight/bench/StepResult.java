package io.midnight.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * One step's figures against one target: target and achieved inbound rate, deliveries/s, ack and end-to-end
 * latency percentiles (milliseconds, from the intended send time), what went missing, and CPU. A step drained when
 * every message due was sent, acked and delivered to every member of its room before the drain timeout; it is
 * within the objective when it drained, reached its rate and its end-to-end p99 is at most {@link #P99_LIMIT_MS}.
 * CPU: server and client in percent of one core while the step sent, the server's CPU seconds per million
 * deliveries over sending and draining.
 */
record StepResult(int step, double targetRate, double seconds, long sent, long capped, long acked, long ackErrors,
                  long refusals, long expectedDeliveries, long delivered, long lost, long duplicated,
                  long lateDeliveries, long disconnects, double inboundPerSecond, double deliveriesPerSecond,
                  double goodputPerSecond,
                  double ackP50, double ackP99, double ackMax, double endToEndP50, double endToEndP99,
                  double endToEndMax, CpuMeter.Use cpu, double serverCpuPerMillion, String firstError) {

  static final double P99_LIMIT_MS = 50.0;
  /** An achieved inbound rate under this share of the target means the target was not reached. */
  static final double RATE_SHORTFALL = 0.9;

  /**
   * {@code startNanos} and {@code durationNanos} bound the sending; rates count until the last ack/delivery;
   * {@code serverSeconds} is the server's CPU over sending and draining. Goodput counts the deliveries of acked
   * messages (once per member), over the same time as deliveries/s.
   */
  static StepResult of(int step, double targetRate, long startNanos, long durationNanos, StepStats s,
                       CpuMeter.Use cpu, double serverSeconds) {
    double ackSeconds = Math.max(durationNanos, s.lastAckNanos - startNanos) / 1e9;
    double deliverySeconds = Math.max(durationNanos, s.lastDeliveryNanos - startNanos) / 1e9;
    double perMillion = serverSeconds < 0 || s.delivered == 0 ? -1 : serverSeconds * 1e6 / s.delivered;
    return new StepResult(step, targetRate, durationNanos / 1e9, s.sent, s.capped, s.acked, s.ackErrors,
      s.refusals, s.expectedDeliveries, s.delivered, s.ledger.lost(), s.ledger.duplicated(), s.lateDeliveries,
      s.disconnects, s.acked / ackSeconds, s.delivered / deliverySeconds,
      s.ledger.ackedDeliveries() / deliverySeconds, ms(s.ack, 50), ms(s.ack, 99),
      ms(s.ack, 100), ms(s.endToEnd, 50), ms(s.endToEnd, 99), ms(s.endToEnd, 100), cpu, perMillion, s.firstError);
  }

  /** Everything due was sent, acked and delivered once to every member, with no socket lost. */
  boolean drained() {
    return capped == 0 && ackErrors == 0 && acked == sent && lost == 0 && duplicated == 0
      && delivered >= expectedDeliveries && disconnects == 0;
  }

  boolean withinObjective() {
    return drained() && acked > 0 && endToEndP99 <= P99_LIMIT_MS && inboundPerSecond >= RATE_SHORTFALL * targetRate;
  }

  /** Other processes took a good share of the cores while this step ran: its figures are pessimistic. */
  boolean disturbed() {
    return cpu.others() > 20;
  }

  String verdict() {
    if (withinObjective()) {
      return "ok";
    }
    if (!drained()) {
      return String.format("NOT DRAINED (not sent %,d, unacked %,d, errors %,d, lost %,d, dup %,d)", capped,
        sent - acked - ackErrors, ackErrors, lost, duplicated);
    }
    if (endToEndP99 > P99_LIMIT_MS) {
      return "drained, e2e p99 > " + (int) P99_LIMIT_MS + " ms";
    }
    return "drained, rate short of target";
  }

  String row() {
    return String.format("  %4d %9.0f %9.0f %12.0f %8.2f %8.2f %8.2f %8.2f %7d %7s %8s %7s %7s  %s", step,
      targetRate, inboundPerSecond, deliveriesPerSecond, ackP50, ackP99, endToEndP50, endToEndP99, lost,
      percent(cpu.server()), percent(cpu.serverWait()), percent(cpu.client()),
      serverCpuPerMillion < 0 ? "n/a" : String.format("%.1f", serverCpuPerMillion),
      verdict() + (refusals > 0 ? String.format(" (refused %,d)", refusals) : "")
        + (disturbed() ? " (other processes busy)" : ""));
  }

  static String header() {
    return String.format("  %4s %9s %9s %12s %8s %8s %8s %8s %7s %7s %8s %7s %7s  %s", "step", "target/s",
      "inbound/s", "deliveries/s", "ack p50", "ack p99", "e2e p50", "e2e p99", "lost", "srv cpu", "srv wait",
      "cli cpu", "s/M del",
      "(ms; cpu % of one core)");
  }

  static String percent(double v) {
    return v < 0 ? "n/a" : String.format("%.0f%%", v);
  }

  JsonObject toJson() {
    return new JsonObject().put("step", step).put("targetRate", targetRate).put("seconds", seconds)
      .put("sent", sent).put("notSentClientCap", capped).put("acked", acked).put("ackErrors", ackErrors)
      .put("refusals", refusals).put("expectedDeliveries", expectedDeliveries).put("delivered", delivered)
      .put("lost", lost).put("duplicated", duplicated)
      .put("lateDeliveries", lateDeliveries).put("disconnects", disconnects)
      .put("inboundPerSecond", round(inboundPerSecond)).put("deliveriesPerSecond", round(deliveriesPerSecond))
      .put("goodputPerSecond", round(goodputPerSecond))
      .put("ackMs", new JsonObject().put("p50", ackP50).put("p99", ackP99).put("max", ackMax))
      .put("endToEndMs", new JsonObject().put("p50", endToEndP50).put("p99", endToEndP99).put("max", endToEndMax))
      .put("cpuPercent", new JsonObject().put("server", round(cpu.server())).put("client", round(cpu.client()))
        .put("machineOfAllCores", round(cpu.machine())).put("serverWaitingForCore", round(cpu.serverWait())))
      .put("serverCpuSecondsPerMillionDeliveries", serverCpuPerMillion < 0 ? null : round(serverCpuPerMillion))
      .put("disturbed", disturbed()).put("drained", drained())
      .put("withinObjective", withinObjective()).put("verdict", verdict()).put("firstError", firstError);
  }

  private static double ms(Histogram h, double percentile) {
    if (h.getTotalCount() == 0) {
      return 0;
    }
    return (percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile)) / 1_000.0;
  }

  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
