package io.midnight.gateway.engine;

import io.vertx.core.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * Flushes, once per event-loop turn, every session of this loop that was written to during the turn: a room's
 * deliveries written to a socket in one turn leave in one flush (one system call), not one each. The flush runs
 * as a task queued behind what the loop already has to do, so deliveries queued together share it.
 *
 * <p>Not thread-safe: one per event loop, used on it only.
 */
final class LoopFlusher {

  private final Context context;
  private List<EngineSession> pending = new ArrayList<>();
  private List<EngineSession> spare = new ArrayList<>();

  LoopFlusher(Context context) {
    this.context = context;
  }

  /** The session wrote without flushing; it is flushed at the end of the turn. */
  void schedule(EngineSession session) {
    if (pending.isEmpty()) {
      context.runOnContext(v -> flush());
    }
    pending.add(session);
  }

  private void flush() {
    List<EngineSession> due = pending;
    pending = spare;
    for (EngineSession session : due) {
      session.flush();
    }
    due.clear();
    spare = due;
  }
}
