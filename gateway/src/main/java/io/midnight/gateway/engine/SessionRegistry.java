package io.midnight.gateway.engine;

import io.micrometer.core.instrument.Counter;
import io.midnight.common.metrics.Meters;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Engine.IO sessions of a node, by {@code sid}, shared by every gateway instance: a polling request or an
 * upgrade may reach any instance, which finds the session here and hands the request to the session's loop.
 * Thread-safe.
 */
public final class SessionRegistry {

  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  private final LongAdder opened = new LongAdder();
  private final LongAdder slowConsumers = new LongAdder();
  private final Counter slowConsumersMeter = Counter.builder("midnight.slow.consumers.disconnected")
    .description("sessions closed because their outbound queue passed its bound").register(Meters.registry());

  EngineSession get(String sid) {
    return sessions.get(sid);
  }

  void add(EngineSession session) {
    sessions.put(session.sid(), session);
    opened.increment();
  }

  void remove(EngineSession session) {
    sessions.remove(session.sid(), session);
  }

  Collection<EngineSession> all() {
    return sessions.values();
  }

  void countSlowConsumer() {
    slowConsumers.increment();
    slowConsumersMeter.increment();
  }

  /**
   * {@code {sessions, sessionsPerLoop, websocket, polling, opened, slowConsumerDisconnects}}; {@code sessionsPerLoop}
   * shows how evenly the instances share the sockets, largest first.
   */
  public JsonObject stats() {
    long all = 0;
    long websocket = 0;
    Map<Context, Long> perLoop = new HashMap<>();
    for (EngineSession session : sessions.values()) {
      all++;
      websocket += "websocket".equals(session.transport()) ? 1 : 0;
      perLoop.merge(session.context(), 1L, Long::sum);
    }
    return new JsonObject()
      .put("sessions", all)
      .put("sessionsPerLoop", new JsonArray(perLoop.values().stream().sorted(Comparator.reverseOrder()).toList()))
      .put("websocket", websocket)
      .put("polling", all - websocket)
      .put("opened", opened.sum())
      .put("slowConsumerDisconnects", slowConsumers.sum());
  }
}
