package io.midnight.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The connect window: never more than its size in flight, and a slow task holds up only its own slot. */
class ConnectWindowTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @Timeout(30)
  void aSlowTaskDoesNotHoldUpTheOthers() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger startedWhileSlowRan = new AtomicInteger();
    ConnectWindow window = new ConnectWindow(vertx.getOrCreateContext(), 4);
    long t0 = System.nanoTime();
    // task 0 takes 600 ms, the 99 others 20 ms each: waves of 4 would wait for the slow one before going on
    window.run(100, i -> {
      started.incrementAndGet();
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      Promise<Void> finished = Promise.promise();
      vertx.setTimer(i == 0 ? 600 : 20, t -> {
        if (i == 0) {
          startedWhileSlowRan.set(started.get() - 1);
        }
        running.decrementAndGet();
        finished.complete();
      });
      return finished.future();
    }, () -> false).await();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(started.get()).isEqualTo(100);
    assertThat(most.get()).isEqualTo(4);
    assertThat(window.peak()).isEqualTo(4);
    assertThat(running.get()).isZero();
    assertThat(startedWhileSlowRan.get()).as("the other slots went on while the slow task ran (waves: 3)")
      .isGreaterThan(30);
    // 3 free slots x 20 ms each: 99 quick tasks take ~660 ms, alongside the slow one
    assertThat(ms).as("the slow task held one slot, not the window").isLessThan(1_500);
  }

  @Test
  @Timeout(30)
  void failedTasksFreeTheirSlotAndAStopEndsTheRun() {
    AtomicInteger started = new AtomicInteger();
    ConnectWindow window = new ConnectWindow(vertx.getOrCreateContext(), 3);
    window.run(1_000, i -> {
      started.incrementAndGet();
      if (i % 2 == 0) {
        throw new IllegalStateException("cannot start " + i);
      }
      return Future.failedFuture("could not join " + i);
    }, () -> started.get() >= 10).await();

    assertThat(started.get()).isEqualTo(10);
  }

  @Test
  @Timeout(30)
  void aPacedWindowStartsNoTaskBeforeItsTime() {
    long t0 = System.nanoTime();
    long[] notBefore = new long[40];
    long[] startedAt = new long[40];
    for (int i = 0; i < notBefore.length; i++) {
      notBefore[i] = t0 + TimeUnit.MILLISECONDS.toNanos(25L * i); // 40 connects spread over a second
    }
    ConnectWindow window = new ConnectWindow(vertx.getOrCreateContext(), 8).paced(i -> notBefore[i]);
    window.run(40, i -> {
      startedAt[i] = System.nanoTime();
      return Future.succeededFuture();
    }, () -> false).await();

    for (int i = 0; i < notBefore.length; i++) {
      assertThat(startedAt[i]).as("task " + i).isGreaterThanOrEqualTo(notBefore[i] - 1_000_000);
    }
    assertThat(startedAt).isSorted();
  }
}
