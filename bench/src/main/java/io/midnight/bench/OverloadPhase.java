package io.midnight.bench;

import io.vertx.core.json.JsonObject;

/**
 * One overload phase against one target: {@code factor} times its capacity asked for a while, and what it cost.
 * RSS in MB: the server's peak sampled every second and its VmHWM over the phase (since the process started when
 * the kernel would not reset it), and the client's own peak. The goals are the issue's: RSS within 1 GB,
 * {@code /health} within 1 s throughout, goodput at least 0.9x capacity, nothing lost or duplicated.
 */
record OverloadPhase(double factor, double capacity, StepResult step, double serverRssMb, double serverHwmMb,
                     boolean hwmSincePhase, double clientRssMb, HealthProbe.Figures health) {

  static final double RSS_GOAL_MB = 1024;
  static final double GOODPUT_GOAL = 0.9;

  /** Not met when neither figure could be read ({@code /proc} unavailable): an unknown is no proof. */
  boolean rssMet() {
    double peak = Math.max(serverRssMb, serverHwmMb);
    return peak > 0 && peak <= RSS_GOAL_MB;
  }

  boolean healthMet() {
    return health.samples() > 0 && health.overOneSecond() == 0;
  }

  boolean goodputMet() {
    return step.goodputPerSecond() >= GOODPUT_GOAL * capacity;
  }

  boolean exactlyOnce() {
    return step.lost() == 0 && step.duplicated() == 0;
  }

  boolean met() {
    return rssMet() && healthMet() && goodputMet() && exactlyOnce();
  }

  String describe() {
    StepResult s = step;
    return String.join(System.lineSeparator(),
      String.format("  at %.0fx capacity, after %.0f s of sending and the drain:", factor, s.seconds()),
      String.format("    sent %,d, acked %,d, refused %,d (retried after retryAfterMs), not sent (client cap) %,d, "
        + "errors %,d, unacked at the end %,d", s.sent(), s.acked(), s.refusals(), s.capped(), s.ackErrors(),
        s.sent() - s.acked() - s.ackErrors()),
      String.format("    goodput %,.0f deliveries/s = %.2fx capacity (goal >= %.1fx: %s); ack p50/p99 %.1f/%.1f ms, "
          + "e2e p99 %.1f ms", s.goodputPerSecond(), s.goodputPerSecond() / capacity, GOODPUT_GOAL,
        metOrNot(goodputMet()), s.ackP50(), s.ackP99(), s.endToEndP99()),
      String.format("    lost %,d, duplicated %,d (goal 0 and 0: %s)", s.lost(), s.duplicated(), metOrNot(exactlyOnce())),
      String.format("    server RSS peak %,.0f MB sampled, VmHWM %,.0f MB%s (goal <= %,.0f MB: %s); client RSS peak %,.0f MB",
        serverRssMb, serverHwmMb, hwmSincePhase ? "" : " since start", RSS_GOAL_MB, metOrNot(rssMet()), clientRssMb),
      String.format("    /health: %d samples, max %.0f ms, %d over 1 s (%d failed) (goal none over 1 s: %s); "
          + "server CPU %s, client CPU %s", health.samples(), health.maxMs(), health.overOneSecond(),
        health.failures(), metOrNot(healthMet()), StepResult.percent(s.cpu().server()),
        StepResult.percent(s.cpu().client())));
  }

  static String metOrNot(boolean met) {
    return met ? "met" : "NOT met";
  }

  JsonObject toJson() {
    return new JsonObject().put("factor", factor).put("capacityDeliveriesPerSecond", StepResult.round(capacity))
      .put("askedDeliveriesPerSecond", StepResult.round(factor * capacity)).put("step", step.toJson())
      .put("goodputPerSecond", StepResult.round(step.goodputPerSecond()))
      .put("goodputRatio", Math.round(step.goodputPerSecond() / capacity * 100) / 100.0)
      .put("refusals", step.refusals()).put("notSentClientCap", step.capped())
      .put("lost", step.lost()).put("duplicated", step.duplicated())
      .put("serverRssPeakMbSampled", StepResult.round(serverRssMb)).put("serverVmHwmMb", StepResult.round(serverHwmMb))
      .put("vmHwmSincePhaseStart", hwmSincePhase).put("clientRssPeakMb", StepResult.round(clientRssMb))
      .put("health", new JsonObject().put("samples", health.samples()).put("maxMs", StepResult.round(health.maxMs()))
        .put("overOneSecond", health.overOneSecond()).put("failures", health.failures()))
      .put("goals", new JsonObject().put("rssWithin1GB", rssMet()).put("healthWithin1s", healthMet())
        .put("goodputAtLeast0.9xCapacity", goodputMet()).put("noneLostOrDuplicated", exactlyOnce()))
      .put("met", met());
  }
}
