package io.midnight.loadtest;

import java.util.BitSet;

/**
 * The acked messages of one room during a run, as seqs above the room's last seq when the run joined it. Written
 * by every client whose send is acked (any thread), read once after the run. Thread-safe.
 */
final class RoomLedger {

  final long roomId;
  final String name;
  private final long baseSeq;
  private final BitSet acked = new BitSet();
  private int members;
  private long greetingsAcked;

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

  synchronized BitSet ackedSeqs() {
    return (BitSet) acked.clone();
  }
}
