package io.midnight.gateway.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.midnight.common.Addresses;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The live dashboard's data: once a second a snapshot of this node (connections, messages in and out per second,
 * ack latency p50/p99, the last commit's batch size, shards, users, rooms, and a running load test's progress),
 * pushed as a server-sent event to every open dashboard. A new dashboard first gets the last five minutes, so its
 * charts start full. Confined to the gateway's event loop.
 */
public final class DashboardFeed {

  private static final int HISTORY = 300;
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(900);

  private final Vertx vertx;
  private final LongSupplier connections;
  private final Set<HttpServerResponse> listeners = new LinkedHashSet<>();
  private final Deque<JsonObject> history = new ArrayDeque<>();
  private final long timer;
  private double lastReceived = Double.NaN;
  private double lastDelivered = Double.NaN;
  private boolean collecting;

  public DashboardFeed(Vertx vertx, LongSupplier connections) {
    this.vertx = vertx;
    this.connections = connections;
    this.timer = vertx.setPeriodic(1_000, t -> tick());
  }

  /** {@code GET /api/dashboard/stream}: an event stream of snapshots until the client goes away. */
  public void stream(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().setChunked(true)
      .putHeader("Content-Type", "text/event-stream; charset=utf-8")
      .putHeader("Cache-Control", "no-cache")
      .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    response.write(event("history", new JsonObject().put("points", new JsonArray(history.stream().toList()))));
    listeners.add(response);
    response.closeHandler(v -> listeners.remove(response));
    response.exceptionHandler(e -> listeners.remove(response));
  }

  public void close() {
    vertx.cancelTimer(timer);
    listeners.forEach(r -> r.end().onFailure(e -> { }));
    listeners.clear();
  }

  private void tick() {
    if (collecting) {
      return; // the last snapshot is still waiting for storage: skip a second rather than pile up
    }
    collecting = true;
    long now = System.currentTimeMillis();
    JsonObject point = new JsonObject().put("t", now).put("connections", connections.getAsLong());
    meters(point);
    Future.join(storage(point), loadTest(point)).onComplete(done -> {
      collecting = false;
      history.addLast(point);
      if (history.size() > HISTORY) {
        history.removeFirst();
      }
      if (!listeners.isEmpty()) {
        String data = event("point", point);
        listeners.forEach(r -> r.write(data));
      }
    });
  }

  /** Rates from this node's counters, and the ack latency percentiles of the message service if it runs here. */
  private void meters(JsonObject point) {
    MeterRegistry registry = Meters.registry();
    double received = count(registry.find("midnight.messages.received").counter());
    double delivered = count(registry.find("midnight.messages.delivered").counter());
    point.put("inPerSecond", Double.isNaN(lastReceived) ? 0 : Math.round(received - lastReceived))
      .put("outPerSecond", Double.isNaN(lastDelivered) ? 0 : Math.round(delivered - lastDelivered));
    lastReceived = received;
    lastDelivered = delivered;
    Timer ack = registry.find("midnight.ack.latency").timer();
    if (ack != null) {
      for (ValueAtPercentile p : ack.takeSnapshot().percentileValues()) {
        point.put(p.percentile() == 0.5 ? "ackP50" : "ackP99", Math.round(p.value(TimeUnit.MILLISECONDS) * 100) / 100.0);
      }
    }
  }

  private static double count(Counter counter) {
    return counter == null ? 0 : counter.count();
  }

  private Future<Void> storage(JsonObject point) {
    return vertx.eventBus().<JsonObject>request(Addresses.STORAGE_STATS, new JsonObject(), QUICK)
      .map(reply -> {
        JsonObject s = reply.body();
        JsonObject shards = s.getJsonObject("shards", new JsonObject());
        JsonObject commits = s.getJsonObject("commits", new JsonObject());
        point.put("users", s.getLong("users")).put("rooms", s.getLong("rooms")).put("messages", s.getLong("messages"))
          .put("shards", shards.getInteger("count")).put("activeShardFill", shards.getDouble("activeFill"))
          .put("commitBatch", commits.getInteger("lastBatch")).put("commitQueued", commits.getInteger("queued"))
          .put("storage", s.getBoolean("writable", false) ? "up" : "read-only");
        return (Void) null;
      })
      .recover(e -> {
        point.put("storage", "down");
        return Future.succeededFuture();
      });
  }

  /** The running load test's progress, when this node runs one (the load tool's API answers here). */
  private Future<Void> loadTest(JsonObject point) {
    return vertx.eventBus().<JsonObject>request(Addresses.LOADTEST_RUNS_LIST, new JsonObject(), QUICK)
      .compose(reply -> {
        JsonObject active = reply.body().getJsonArray("runs", new JsonArray()).stream().map(JsonObject.class::cast)
          .filter(r -> "running".equals(r.getString("state")) || "stopping".equals(r.getString("state")))
          .findFirst().orElse(null);
        if (active == null) {
          return Future.succeededFuture();
        }
        return vertx.eventBus().<JsonObject>request(Addresses.LOADTEST_RUNS_GET,
            new JsonObject().put("id", active.getString("id")), QUICK)
          .map(run -> {
            point.put("loadTest", new JsonObject().put("id", active.getString("id"))
              .put("preset", active.getString("preset")).put("state", active.getString("state"))
              .put("progress", run.body().getJsonObject("progress")));
            return (Void) null;
          });
      })
      .recover(e -> Future.succeededFuture());
  }

  private static String event(String name, JsonObject data) {
    return "event: " + name + "\ndata: " + data.encode() + "\n\n";
  }
}
