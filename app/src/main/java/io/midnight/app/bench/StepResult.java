package io.midnight.app.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * One step's figures against one target: target and achieved inbound rate, deliveries/s, ack and end-to-end
 * latency percentiles (milliseconds, from the intended send time), and what went missing. A step is within the
 * objective when both p99s are at most {@link #P99_LIMIT_MS} and every message was acked and delivered to every
 * member of its room. CPU is this process's and the machine's share of all cores while the step sent.
 */
record StepResult(int step, double targetRate, double seconds, long sent, long skipped, long acked, long ackErrors,
                  long expectedDeliveries, long delivered, long lateDeliveries, long disconnects,
                  double inboundPerSecond, double deliveriesPerSecond, double ackP50, double ackP99, double ackMax,
                  double endToEndP50, double endToEndP99, double endToEndMax, CpuMeter.Use cpu,
                  String firstError) {

  static final double P99_LIMIT_MS = 50.0;
  /** An achieved inbound rate under this share of the target means the target was not reached. */
  static final double RATE_SHORTFALL = 0.9;

  /** {@code startNanos} and {@code durationNanos} bound the sending; rates count until the last ack/delivery. */
  static StepResult of(int step, double targetRate, long startNanos, long durationNanos, StepStats s,
                       CpuMeter.Use cpu) {
    double ackSeconds = Math.max(durationNanos, s.lastAckNanos - startNanos) / 1e9;
    double deliverySeconds = Math.max(durationNanos, s.lastDeliveryNanos - startNanos) / 1e9;
    return new StepResult(step, targetRate, durationNanos / 1e9, s.sent, s.skipped, s.acked, s.ackErrors,
      s.expectedDeliveries, s.delivered, s.lateDeliveries, s.disconnects, s.acked / ackSeconds,
      s.delivered / deliverySeconds, ms(s.ack, 50), ms(s.ack, 99), ms(s.ack, 100), ms(s.endToEnd, 50),
      ms(s.endToEnd, 99), ms(s.endToEnd, 100), cpu, s.firstError);
  }

  boolean complete() {
    return skipped == 0 && ackErrors == 0 && acked == sent && delivered == expectedDeliveries && disconnects == 0;
  }

  boolean withinObjective() {
    return complete() && acked > 0 && ackP99 <= P99_LIMIT_MS && endToEndP99 <= P99_LIMIT_MS
      && inboundPerSecond >= RATE_SHORTFALL * targetRate;
  }

  /** Other processes took a good share of the cores while this step ran: its figures are pessimistic. */
  boolean disturbed() {
    return cpu.machine() - cpu.process() > 20;
  }

  String verdict() {
    if (withinObjective()) {
      return "ok";
    }
    if (!complete()) {
      return String.format("INCOMPLETE (skipped %,d, unacked %,d, errors %,d, undelivered %,d)", skipped,
        sent - acked - ackErrors, ackErrors, expectedDeliveries - delivered);
    }
    if (ackP99 > P99_LIMIT_MS || endToEndP99 > P99_LIMIT_MS) {
      return "p99 > " + (int) P99_LIMIT_MS + " ms";
    }
    return "rate short of target";
  }

  String row() {
    return String.format("  %4d %10.0f %11.0f %14.0f %9.2f %9.2f %9.2f %9.2f %5.0f/%3.0f%%  %s", step, targetRate,
      inboundPerSecond, deliveriesPerSecond, ackP50, ackP99, endToEndP50, endToEndP99, cpu.process(),
      cpu.machine(), verdict() + (disturbed() ? " (other processes busy)" : ""));
  }

  static String header() {
    return String.format("  %4s %10s %11s %14s %9s %9s %9s %9s %10s  %s", "step", "target/s", "inbound/s",
      "deliveries/s", "ack p50", "ack p99", "e2e p50", "e2e p99", "cpu", "(ms; cpu: this process/machine)");
  }

  JsonObject toJson() {
    return new JsonObject().put("step", step).put("targetRate", targetRate).put("seconds", seconds)
      .put("sent", sent).put("skipped", skipped).put("acked", acked).put("ackErrors", ackErrors)
      .put("expectedDeliveries", expectedDeliveries).put("delivered", delivered)
      .put("lateDeliveries", lateDeliveries).put("disconnects", disconnects)
      .put("inboundPerSecond", round(inboundPerSecond)).put("deliveriesPerSecond", round(deliveriesPerSecond))
      .put("ackMs", new JsonObject().put("p50", ackP50).put("p99", ackP99).put("max", ackMax))
      .put("endToEndMs", new JsonObject().put("p50", endToEndP50).put("p99", endToEndP99).put("max", endToEndMax))
      .put("cpuPercent", new JsonObject().put("process", round(cpu.process())).put("machine", round(cpu.machine())))
      .put("disturbed", disturbed())
      .put("withinObjective", withinObjective()).put("verdict", verdict()).put("firstError", firstError);
  }

  private static double ms(Histogram h, double percentile) {
    if (h.getTotalCount() == 0) {
      return 0;
    }
    return (percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile)) / 1_000.0;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
