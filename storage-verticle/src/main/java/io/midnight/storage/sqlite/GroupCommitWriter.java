package io.midnight.storage.sqlite;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.midnight.common.metrics.Meters;
import io.midnight.common.ErrorCode;
import io.midnight.common.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The one thread that writes. Requests queue up while a commit is in flight; the thread then drains them (at most
 * {@code maxBatch}) into one transaction per file, commits, and only then completes every request of the batch,
 * all at once, through {@code replies}. Nothing is answered before its commit is durable. A full shard ends the
 * batch early: the thread commits, rolls the shard, and goes on with the rest. An I/O failure fails the whole
 * batch (nothing of it is acknowledged) and the state is derived from disk again.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
public final class GroupCommitWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** One write; runs on the writer thread inside the open transaction. */
  @FunctionalInterface
  public interface Operation<T> {
    T apply(WriterState state) throws SQLException;
  }

  /** {@code weight}: the rows it writes, counted against {@code maxBatch}. */
  private record Request<T>(Operation<T> operation, int weight, BiConsumer<T, Throwable> callback) {
  }

  private record Outcome<T>(Request<T> request, T result, Throwable failure) {
    void deliver() {
      request.callback().accept(result, failure);
    }
  }

  private final WriterState state;
  private final int maxBatch;
  private final Consumer<Runnable> replies;
  private final BlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<Request<?>> pending = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String broken;

  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong committedRequests = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private volatile int lastBatchSize;
  private volatile int maxBatchSize;
  private final DistributionSummary batchSizes = Meters.commitBatchSizes();
  private final Timer commitTimes = Meters.commitTimes();

  /**
   * @param replies runs a batch's completions; the verticle passes its context's {@code runOnContext}, so replies
   *                leave on the event loop, in commit order
   */
  GroupCommitWriter(WriterState state, int maxBatch, Consumer<Runnable> replies) {
    this.state = state;
    this.maxBatch = maxBatch;
    this.replies = replies;
    this.thread = new Thread(this::run, "midnight-storage-writer");
    this.thread.start();
  }

  public <T> void submit(Operation<T> operation, BiConsumer<T, Throwable> callback) {
    submit(operation, 1, callback);
  }

  public <T> void submit(Operation<T> operation, int weight, BiConsumer<T, Throwable> callback) {
    if (!running) {
      callback.accept(null, ErrorCode.UNAVAILABLE.exception(broken != null ? broken : "storage is shutting down"));
      return;
    }
    queue.add(new Request<>(operation, Math.max(1, weight), callback));
    if (!running && !thread.isAlive()) { // raced with close(): the writer is gone, nobody else will answer
      for (Request<?> r = queue.poll(); r != null; r = queue.poll()) {
        r.callback().accept(null, ErrorCode.UNAVAILABLE.exception("storage is shutting down"));
      }
    }
  }

  private void run() {
    List<Outcome<?>> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty() || !pending.isEmpty()) {
      try {
        if (pending.isEmpty()) {
          Request<?> first = queue.poll(50, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          pending.add(first);
        }
        queue.drainTo(pending, maxBatch); // weights may be > 1: runBatch stops at maxBatch rows
        boolean roll = runBatch(batch);
        List<Outcome<?>> done = List.copyOf(batch);
        batch.clear();
        replies.accept(() -> done.forEach(Outcome::deliver));
        if (roll) {
          roll();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        LOG.error("storage writer: unexpected failure", e);
      }
    }
    failPending(broken != null ? broken : "storage stopped");
  }

  /** Applies and commits up to {@code maxBatch} pending requests; true when it stopped at a full shard. */
  private boolean runBatch(List<Outcome<?>> batch) {
    boolean shardFull = false;
    long start = System.nanoTime();
    int weight = 0;
    while (!pending.isEmpty() && weight < maxBatch) {
      Request<?> request = pending.peekFirst();
      weight += request.weight();
      try {
        batch.add(apply(request));
      } catch (ShardFullException full) {
        shardFull = true;
        break;
      } catch (ServiceException e) {
        batch.add(new Outcome<>(request, null, e.code().exception(e.getMessage())));
      } catch (SQLException | RuntimeException e) {
        return failBatch(batch, request, e);
      }
      pending.pollFirst();
    }
    try {
      state.commit();
    } catch (SQLException | RuntimeException e) {
      return failBatch(batch, null, e);
    }
    commits.incrementAndGet();
    committedRequests.addAndGet(weight);
    long took = System.nanoTime() - start;
    commitNanos.addAndGet(took);
    commitTimes.record(took, TimeUnit.NANOSECONDS);
    batchSizes.record(weight);
    lastBatchSize = weight;
    if (weight > maxBatchSize) {
      maxBatchSize = weight;
    }
    return shardFull;
  }

  private <T> Outcome<T> apply(Request<T> request) throws SQLException {
    return new Outcome<>(request, request.operation().apply(state), null);
  }

  private boolean failBatch(List<Outcome<?>> batch, Request<?> culprit, Exception cause) {
    LOG.error("storage write failed; rolling back a batch of {} request(s)", batch.size() + (culprit == null ? 0 : 1), cause);
    state.rollback();
    List<Outcome<?>> failed = new ArrayList<>();
    for (Outcome<?> outcome : batch) {
      failed.add(failure(outcome.request(), cause));
    }
    if (culprit != null) {
      pending.pollFirst();
      failed.add(failure(culprit, cause));
    }
    batch.clear();
    batch.addAll(failed);
    try {
      state.rederive();
    } catch (SQLException e) {
      LOG.error("storage cannot re-derive its state from disk; refusing writes until restart", e);
      broken = "storage failed and refuses writes until it is restarted: " + e.getMessage();
      running = false;
    }
    return false;
  }

  private static <T> Outcome<T> failure(Request<T> request, Exception cause) {
    return new Outcome<>(request, null, ErrorCode.UNAVAILABLE.exception("storage write failed: " + cause.getMessage()));
  }

  private void roll() {
    try {
      state.roll();
    } catch (SQLException | RuntimeException e) {
      LOG.error("cannot roll to a new shard; appends fail until it succeeds", e);
      state.rollback();
      Request<?> head = pending.pollFirst();
      if (head != null) {
        List<Outcome<?>> failed = List.of(failure(head, e));
        replies.accept(() -> failed.forEach(Outcome::deliver));
      }
    }
  }

  private void failPending(String why) {
    queue.drainTo(pending);
    List<Outcome<?>> failed = new ArrayList<>();
    for (Request<?> r = pending.pollFirst(); r != null; r = pending.pollFirst()) {
      failed.add(new Outcome<>(r, null, ErrorCode.UNAVAILABLE.exception(why)));
    }
    if (!failed.isEmpty()) {
      replies.accept(() -> failed.forEach(Outcome::deliver));
    }
  }

  public long commits() {
    return commits.get();
  }

  public long committedRequests() {
    return committedRequests.get();
  }

  public long commitNanos() {
    return commitNanos.get();
  }

  public int lastBatchSize() {
    return lastBatchSize;
  }

  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Null while the writer takes writes; else why it refuses them. */
  public String refusal() {
    return running && thread.isAlive() ? null : broken != null ? broken : "storage is shutting down";
  }

  public int queued() {
    return queue.size() + pending.size();
  }

  /** Stops taking requests, commits what is queued, then closes the files. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
    state.close();
  }
}
