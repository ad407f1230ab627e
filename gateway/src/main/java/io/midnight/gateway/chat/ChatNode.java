package io.midnight.gateway.chat;

import io.micrometer.core.instrument.Counter;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the chat namespaces of a node's gateway instances share: the sessions to recover, who is online in each
 * room, and the counters behind {@code /api/stats}. Each instance keeps its own sockets and room subscriptions
 * ({@link RoomFanout}). Thread-safe.
 */
public final class ChatNode {

  final Recovery recovery;
  final Presence presence = new Presence();
  final LongAdder recovered = new LongAdder();
  /** Deliveries waiting in the loops' fan-out queues: what the overload guard bounds. */
  final LongAdder queued = new LongAdder();
  final Counter delivered = Counter.builder("midnight.messages.delivered")
    .description("messages handed to a socket (one per member connected here)").register(Meters.registry());

  public ChatNode(Vertx vertx, RecoveryOptions options) {
    this.recovery = vertx.isClustered() ? new ClusterRecovery(vertx, options.ttlMillis())
      : new RecoveryRegistry(vertx, options.ttlMillis(), options.maxRecoverable());
  }

  /** The node's fan-out backlog, in deliveries. */
  public long queuedDeliveries() {
    return queued.sum();
  }

  /** {@code {rooms, recoverable, recovered, deliveries}} of the whole node. */
  public JsonObject stats() {
    return new JsonObject()
      .put("rooms", presence.rooms())
      .put("deliveries", (long) delivered.count())
      .put("recoverable", recovery.size())
      .put("recovered", recovered.sum());
  }

  public void close() {
    recovery.close();
  }
}
