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
 * batch early: the thread commits, rolls the shard, and goes on with the rest. A failure fails the whole batch
 * (nothing of it is acknowledged) and the state is derived from disk again: a failure while applying is
 * {@code disk_full} or {@code unavailable} (nothing was stored), one of the commit itself is {@code unknown_outcome}
 * (it may have reached the disk: send again with the same {@code clientMsgId}). Below the free-space floor
 * ({@link DiskSpace}) requests are refused with {@code disk_full} before SQLite runs; when the state cannot be
 * derived again, requests are refused until it can, tried again each second: writes resume without a restart.
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

  private static final long RECOVER_EVERY_NANOS = 1_000_000_000L;

  private final WriterState state;
  private final DiskSpace disk;
  private final int maxBatch;
  private final Consumer<Runnable> replies;
  private final BlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<Request<?>> pending = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean running = true;
  /** Why the state could not be derived from disk after a failure; null when it could. */
  private volatile String broken;
  private long lastRecoverNanos;

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
  GroupCommitWriter(WriterState state, DiskSpace disk, int maxBatch, Consumer<Runnable> replies) {
    this.state = state;
    this.disk = disk;
    this.maxBatch = maxBatch;
    this.replies = replies;
    this.thread = new Thread(this::run, "midnight-storage-writer");
    this.thread.start();
  }

  public <T> void submit(Operation<T> operation, int weight, BiConsumer<T, Throwable> callback) {
    if (!running) {
      callback.accept(null, ErrorCode.UNAVAILABLE.exception("storage is shutting down"));
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
        String diskFull = disk.refusal();
        if (diskFull != null && state.checkpointWals()) {
          diskFull = disk.refusal(); // the WALs' space, given back, may be enough
        }
        if (diskFull != null || !recovered()) {
          refuseAll(diskFull != null ? ErrorCode.DISK_FULL : ErrorCode.UNAVAILABLE, diskFull != null ? diskFull
            : broken);
          continue;
        }
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
    failPending("storage stopped");
  }

  /** True when the state is whole; after a failure, derives it again (at most once a second). */
  private boolean recovered() {
    if (broken == null) {
      return true;
    }
    long now = System.nanoTime();
    if (now - lastRecoverNanos < RECOVER_EVERY_NANOS) {
      return false;
    }
    lastRecoverNanos = now;
    try {
      state.rollback();
      state.rederive();
      LOG.info("storage recovered: taking writes again");
      broken = null;
      return true;
    } catch (SQLException | RuntimeException e) {
      broken = "storage refuses writes until it can read its state again (tried each second): " + e.getMessage();
      return false;
    }
  }

  /** Answers every waiting request at once with {@code code}: nothing of them was written. */
  private void refuseAll(ErrorCode code, String why) {
    queue.drainTo(pending);
    List<Outcome<?>> refused = new ArrayList<>();
    for (Request<?> r = pending.pollFirst(); r != null; r = pending.pollFirst()) {
      refused.add(new Outcome<>(r, null, code.exception(why)));
    }
    replies.accept(() -> refused.forEach(Outcome::deliver));
    if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.DISK_FULL) {
      try {
        Thread.sleep(20); // a client retrying at once meets the same refusal: do not spin
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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
        return failBatch(batch, request, e, false);
      }
      pending.pollFirst();
    }
    try {
      state.commit();
    } catch (SQLException | RuntimeException e) {
      return failBatch(batch, null, e, true);
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

  /** Fails the batch; {@code inCommit}: the commit itself failed, so whether it reached the disk is unknown. */
  private boolean failBatch(List<Outcome<?>> batch, Request<?> culprit, Exception cause, boolean inCommit) {
    boolean full = DiskSpace.isFull(cause);
    if (full) {
      LOG.warn("storage write failed, the disk is full; rolling back a batch of {} request(s): {}",
        batch.size() + (culprit == null ? 0 : 1), cause.getMessage());
    } else {
      LOG.error("storage write failed; rolling back a batch of {} request(s)", batch.size() + (culprit == null ? 0 : 1),
        cause);
    }
    state.rollback();
    ErrorCode code = inCommit ? ErrorCode.UNKNOWN_OUTCOME : full ? ErrorCode.DISK_FULL : ErrorCode.UNAVAILABLE;
    String why = inCommit ? "the commit failed and may or may not have reached the disk (" + cause.getMessage()
      + "): send again with the same clientMsgId" : "storage write failed: " + cause.getMessage();
    List<Outcome<?>> failed = new ArrayList<>();
    for (Outcome<?> outcome : batch) {
      failed.add(new Outcome<>(outcome.request(), null, code.exception(why)));
    }
    if (culprit != null) {
      pending.pollFirst();
      failed.add(new Outcome<>(culprit, null, code.exception(why)));
    }
    batch.clear();
    batch.addAll(failed);
    rederive();
    return false;
  }

  /** After a failure: the state from disk again, or writes refused until {@link #recovered} can derive it. */
  private void rederive() {
    try {
      state.rederive();
    } catch (SQLException | RuntimeException e) {
      LOG.error("storage cannot derive its state from disk again; refusing writes until it can", e);
      broken = "storage refuses writes until it can read its state again (tried each second): " + e.getMessage();
      lastRecoverNanos = System.nanoTime();
    }
  }

  private static <T> Outcome<T> failure(Request<T> request, Exception cause) {
    ErrorCode code = DiskSpace.isFull(cause) ? ErrorCode.DISK_FULL : ErrorCode.UNAVAILABLE;
    return new Outcome<>(request, null, code.exception("storage write failed: " + cause.getMessage()));
  }

  private void roll() {
    try {
      state.roll();
    } catch (SQLException | RuntimeException e) {
      LOG.error("cannot roll to a new shard; appends fail until it succeeds", e);
      state.rollback();
      rederive(); // a roll that sealed the old shard but could not open the next reopens what the catalog names
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
    if (!running || !thread.isAlive()) {
      return "storage is shutting down";
    }
    String full = disk.refusal();
    return full != null ? full : broken;
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
