package io.midnight.users;

import io.midnight.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Where password hashes are computed: a worker pool of its own ({@code users.hashThreads}, half the cores by
 * default) so that hashing never takes every core from the event loops, with a bounded queue
 * ({@code users.maxQueuedHashes}): work past it is refused with {@code unavailable} at once instead of waiting
 * behind minutes of hashes. Used from the user service's context only.
 */
final class HashPool {

  /** How soon a refused client may try again: about one hash's time. */
  static final long RETRY_AFTER_MS = 1_000;

  private final WorkerExecutor executor;
  private final int maxQueued;
  private int queued;

  HashPool(Vertx vertx, int threads, int maxQueued) {
    this.executor = vertx.createSharedWorkerExecutor("midnight-password-hash", threads);
    this.maxQueued = maxQueued;
  }

  /** Runs every task on the pool, or none of them (refused) when they do not all fit in the queue. */
  <T> Future<List<T>> runAll(List<Callable<T>> tasks) {
    if (queued + tasks.size() > maxQueued) {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.refusal("password hashing is busy (" + queued
        + " waiting, at most " + maxQueued + ")", RETRY_AFTER_MS));
    }
    queued += tasks.size();
    List<Future<T>> running = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      running.add(executor.executeBlocking(task, false).onComplete(ar -> queued--));
    }
    return Future.all(running).map(all -> running.stream().map(Future::result).toList());
  }

  <T> Future<T> run(Callable<T> task) {
    return runAll(List.of(task)).map(results -> results.get(0));
  }

  void close() {
    executor.close();
  }
}
