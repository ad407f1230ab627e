package io.midnight.bench;

import org.HdrHistogram.Histogram;

/**
 * What one load client saw during one step (or, after {@link #add}, all of them): counts, the time of the last
 * ack and delivery, ack and end-to-end latency histograms in microseconds (both from the intended send time, so
 * retries count), and the step's {@link MessageLedger}. Owned by one event loop while recording; copies cross
 * threads.
 */
final class StepStats {

  static final long MAX_MICROS = 120_000_000L;

  /** Messages written to a socket (first attempts; retries are counted apart). */
  long sent;
  /** Messages due that were not sent because an in-flight cap was full or the socket could not take more. */
  long capped;
  long acked;
  /** Acks with an error other than {@code unavailable}: given up. */
  long ackErrors;
  /** Acks with error {@code unavailable}: resent after {@code retryAfterMs}, with the same clientMsgId. */
  long refusals;
  long retries;
  long expectedDeliveries;
  long delivered;
  long lateAcks;
  long lateDeliveries;
  long disconnects;
  long lastAckNanos;
  long lastDeliveryNanos;
  String firstError;
  final Histogram ack;
  final Histogram endToEnd;
  final MessageLedger ledger;

  StepStats(int messages) {
    this(true, new MessageLedger(messages));
  }

  private StepStats(boolean histograms, MessageLedger ledger) {
    ack = histograms ? new Histogram(MAX_MICROS, 3) : null;
    endToEnd = histograms ? new Histogram(MAX_MICROS, 3) : null;
    this.ledger = ledger;
  }

  void recordAck(long nanos) {
    ack.recordValue(micros(nanos));
  }

  void recordEndToEnd(long nanos) {
    endToEnd.recordValue(micros(nanos));
  }

  void error(String frame) {
    if (firstError == null) {
      firstError = frame.length() > 300 ? frame.substring(0, 300) + "..." : frame;
    }
  }

  /** A copy for another thread; without histograms and ledger when only the counts are wanted (progress lines). */
  StepStats copy(boolean full) {
    StepStats c = new StepStats(full, full ? new MessageLedger(ledger.size()) : null);
    c.add(this);
    return c;
  }

  /** Adds {@code other}'s counts (and histograms and ledger, when both have them) to this one. */
  StepStats add(StepStats other) {
    sent += other.sent;
    capped += other.capped;
    acked += other.acked;
    ackErrors += other.ackErrors;
    refusals += other.refusals;
    retries += other.retries;
    expectedDeliveries += other.expectedDeliveries;
    delivered += other.delivered;
    lateAcks += other.lateAcks;
    lateDeliveries += other.lateDeliveries;
    disconnects += other.disconnects;
    lastAckNanos = Math.max(lastAckNanos, other.lastAckNanos);
    lastDeliveryNanos = Math.max(lastDeliveryNanos, other.lastDeliveryNanos);
    if (firstError == null) {
      firstError = other.firstError;
    }
    if (ack != null && other.ack != null) {
      ack.add(other.ack);
      endToEnd.add(other.endToEnd);
    }
    if (ledger != null && other.ledger != null) {
      ledger.add(other.ledger);
    }
    return this;
  }

  /** Every send answered for good, and every acknowledged message delivered to every member of its room. */
  boolean drained() {
    return acked + ackErrors >= sent && delivered >= expectedDeliveries;
  }

  private static long micros(long nanos) {
    return Math.min(MAX_MICROS, Math.max(0, nanos / 1_000));
  }
}
