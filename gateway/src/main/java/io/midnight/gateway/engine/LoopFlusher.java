package io.midnight.gateway.engine;

import io.netty.channel.SingleThreadEventLoop;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.List;

/**
 * Flushes, once per event-loop iteration, every connection of this loop that was written to during it: a room's
 * deliveries written to a socket in one iteration leave in one flush (one system call), not one each. The flush
 * runs after the iteration's tasks (Netty's after-iteration tasks; a queued task where the loop has none), so all
 * the fan-out slices and acks the iteration runs share it. A connection is scheduled once per iteration (its owner
 * keeps a flag, as {@link EngineSession} does).
 *
 * <p>Not thread-safe: one per event loop, used on it only.
 */
public final class LoopFlusher {

  private final Context context;
  private List<Runnable> pending = new ArrayList<>();
  private List<Runnable> spare = new ArrayList<>();

  /**
   * Netty's loop, when it runs tasks after each iteration: the flush then waits for every task the iteration runs
   * (all the fan-out slices and acks queued together), not just for those queued before it.
   */
  private final SingleThreadEventLoop loop;
  private final Runnable flushTask = this::flushAll;

  public LoopFlusher(Context context) {
    this.context = context;
    this.loop = ((ContextInternal) context).nettyEventLoop() instanceof SingleThreadEventLoop l ? l : null;
  }

  /** A connection wrote without flushing; {@code flush} runs at the end of the iteration. */
  public void schedule(Runnable flush) {
    if (pending.isEmpty()) {
      if (loop != null) {
        loop.executeAfterEventLoopIteration(flushTask);
      } else {
        context.runOnContext(v -> flushAll());
      }
    }
    pending.add(flush);
  }

  private void flushAll() {
    List<Runnable> due = pending;
    pending = spare;
    for (Runnable flush : due) {
      flush.run();
    }
    due.clear();
    spare = due;
  }
}
