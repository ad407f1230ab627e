package io.midnight.loadtest;

import io.vertx.core.json.JsonObject;

import java.util.BitSet;

/**
 * The acked messages of one room during a run, as seqs above the room's last seq when the run joined it. Written
 * by every client whose send is acked (any thread), read once after the run. A load worker ships what was acked
 * since it last asked ({@link #takeNew}); the main process's ledger adds it ({@link #absorb}), so it holds the
 * acks of every worker. Thread-safe.
 */
final class RoomLedger {

  final long roomId;
  final String name;
  private final long baseSeq;
  private final BitSet acked = new BitSet();
  private final BitSet shipped = new BitSet();
  private int members;
  private long greetingsAcked;
  private long greetingsShipped;

  RoomLedger(long roomId, String name, long baseSeq) {
    this.roomId = roomId;
    this.name = name;
    this.baseSeq = baseSeq;
  }

  long baseSeq() {
    return baseSeq;
  }

  synchronized void member() {
    members++;
  }

  synchronized int members() {
    return members;
  }

  /** Records an ack; false when the seq was acked before (a retry answered twice). */
  synchronized boolean acked(long seq) {
    int index = (int) (seq - baseSeq);
    if (index < 0 || acked.get(index)) {
      return false;
    }
    acked.set(index);
    return true;
  }

  /** One of a midnight's greetings to this room was acked (the first time). */
  synchronized void greetingAcked() {
    greetingsAcked++;
  }

  synchronized long greetingsAcked() {
    return greetingsAcked;
  }

  /** What was acked since the last call (bit i: seq baseSeq + i) and the greetings among it: a worker's second. */
  synchronized JsonObject takeNew() {
    BitSet fresh = (BitSet) acked.clone();
    fresh.andNot(shipped);
    shipped.or(fresh);
    long greetings = greetingsAcked - greetingsShipped;
    greetingsShipped = greetingsAcked;
    return fresh.isEmpty() && greetings == 0 ? null
      : new JsonObject().put("room", roomId).put("acked", Bits.encode(fresh)).put("greetings", greetings);
  }

  /** Adds what a worker's ledger of this room took ({@link #takeNew}). */
  synchronized void absorb(JsonObject taken) {
    acked.or(Bits.decode(taken.getString("acked")));
    greetingsAcked += taken.getLong("greetings");
  }

  synchronized BitSet ackedSeqs() {
    return (BitSet) acked.clone();
  }
}
