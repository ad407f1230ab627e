package io.midnight.loadtest;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a load worker ships each second and the main process adds up: counters and gauges as changes, latency
 * histograms, each room's new acks, and the send plan with its times as wall-clock microseconds.
 */
class WorkerShippingTest {

  @Test
  void aWorkersSecondsAddUpInTheMainProcess() {
    RunStats worker = new RunStats();
    RunStats main = new RunStats();
    worker.sent.add(5);
    worker.delivered.add(50);
    worker.connected.set(3);
    worker.error("ack_timeout");
    worker.ackLatency(TimeUnit.MILLISECONDS.toNanos(4));
    worker.endToEndLatency(TimeUnit.MILLISECONDS.toNanos(7));
    main.absorb(worker.delta());

    worker.sent.add(2);
    worker.connected.set(1); // two sockets dropped
    worker.ackLatency(TimeUnit.MILLISECONDS.toNanos(900));
    main.absorb(worker.delta());
    main.absorb(worker.delta()); // nothing new: adds nothing

    assertThat(main.sent.sum()).isEqualTo(7);
    assertThat(main.delivered.sum()).isEqualTo(50);
    assertThat(main.connected.get()).isEqualTo(1);
    assertThat(main.errors().getLong("ack_timeout")).isEqualTo(1);
    JsonObject point = main.tick(1.0);
    assertThat(point.getLong("sent")).isEqualTo(7);
    assertThat(point.getDouble("ackP99")).as("the worker's slow ack is in the main process's second")
      .isBetween(899.0, 901.0);
    JsonObject latency = main.latency();
    assertThat(latency.getJsonObject("ackMs").getLong("count")).isEqualTo(2);
    assertThat(latency.getJsonObject("endToEndMs").getLong("count")).isEqualTo(1);
  }

  @Test
  void aRoomShipsOnlyWhatWasAckedSinceItLastShipped() {
    RoomLedger worker = new RoomLedger(7, "r", 100);
    RoomLedger main = new RoomLedger(7, "r", 100);
    worker.acked(101);
    worker.acked(102);
    worker.greetingAcked();
    main.absorb(worker.takeNew());
    worker.acked(104);
    JsonObject second = worker.takeNew();
    assertThat(Bits.decode(second.getString("acked")).cardinality()).as("only seq 104").isEqualTo(1);
    assertThat(second.getLong("greetings")).isZero();
    main.absorb(second);
    assertThat(worker.takeNew()).as("nothing new").isNull();

    BitSet expected = new BitSet();
    expected.set(1);
    expected.set(2);
    expected.set(4);
    assertThat(main.ackedSeqs()).isEqualTo(expected);
    assertThat(main.greetingsAcked()).isEqualTo(1);
  }

  @Test
  void aPlanSentToAWorkerGivesEveryUserTheSameSchedule() {
    long first = System.nanoTime();
    long second = TimeUnit.SECONDS.toNanos(1);
    SendPlan plan = SendPlan.midnight(first, first + 20 * second, 0.5, 100, first + 5 * second,
      first + 7 * second, 3, 42);
    SendPlan shipped = SendPlan.fromJson(plan.toJson());
    for (int user = 0; user < 100; user++) {
      SendSchedule here = plan.schedule(user);
      SendSchedule there = shipped.schedule(user);
      long a = here.start();
      long b = there.start();
      int sends = 0;
      while (a < here.end() || b < there.end()) {
        assertThat(Math.abs(a - b)).as("user %d send %d", user, sends).isLessThan(2_000);
        a = here.next(a);
        b = there.next(b);
        sends++;
      }
      assertThat(sends).as("10 base sends, 1 of them in the window, plus 3 greetings").isEqualTo(12);
    }
  }
}
