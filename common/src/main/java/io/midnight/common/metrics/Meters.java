package io.midnight.common.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Duration;

/**
 * Where Midnight's own meters go: the Prometheus registry that Vert.x's Micrometer metrics use on this node, so
 * one scrape of {@code /metrics} holds Vert.x's HTTP, event-bus and pool metrics and ours. Labels stay bounded:
 * never a user, socket or room id (the bus's per-room addresses are folded into one label value).
 */
public final class Meters {

  /** Records nothing: what verticles get when the node runs without metrics (tests, the load tool). */
  private static final MeterRegistry NONE = new CompositeMeterRegistry();

  private Meters() {
  }

  /** The node's registry, or one that records nothing when metrics are off. */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : NONE;
  }

  /** Requests committed in one transaction, whichever backend commits them. */
  public static DistributionSummary commitBatchSizes() {
    return DistributionSummary.builder("midnight.commit.batch.size")
      .description("requests committed in one transaction (group commit)").register(registry());
  }

  /** Time to apply and commit one group, whichever backend commits it. */
  public static Timer commitTimes() {
    return Timer.builder("midnight.commit").description("time to apply and commit one group")
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(10)).register(registry());
  }

  /** The Prometheus registry to scrape, or null when metrics are off. */
  public static PrometheusMeterRegistry prometheus() {
    return BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry prometheus ? prometheus : null;
  }

  /** A fresh Prometheus registry for a node's Vert.x ({@code VertxBuilder.withMetrics}). */
  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Vert.x metrics on, with JVM metrics, and every {@code room.<id>} bus address counted as {@code room.*}. */
  public static VertxOptions enable(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
      .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel("address").setType(MatchType.REGEX)
        .setValue("room\\..*").setAlias("room.*")));
  }
}
