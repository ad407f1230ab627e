package io.midnight.app.bench;

import org.HdrHistogram.Histogram;

/**
 * What one load client saw during one step (or, after {@link #add}, all of them): counts, the time of the last
 * ack and delivery, and ack and end-to-end latency histograms in microseconds, both measured from the intended
 * send time. Owned by one event loop while recording; copies cross threads.
 */
final class StepStats {

  static final long MAX_MICROS = 120_000_000L;

  long sent;
  long skipped;
  long acked;
  long ackErrors;
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

  StepStats() {
    this(true);
  }

  private StepStats(boolean histograms) {
    ack = histograms ? new Histogram(MAX_MICROS, 3) : null;
    endToEnd = histograms ? new Histogram(MAX_MICROS, 3) : null;
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

  /** A copy for another thread; without histograms when only the counts are wanted (progress lines). */
  StepStats copy(boolean withHistograms) {
    StepStats c = new StepStats(withHistograms);
    c.add(this);
    return c;
  }

  /** Adds {@code other}'s counts (and histograms, when both have them) to this one. */
  StepStats add(StepStats other) {
    sent += other.sent;
    skipped += other.skipped;
    acked += other.acked;
    ackErrors += other.ackErrors;
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
    return this;
  }

  /** Every send answered, and every acknowledged message delivered to every member of its room. */
  boolean drained() {
    return acked + ackErrors >= sent && delivered >= expectedDeliveries;
  }

  private static long micros(long nanos) {
    return Math.min(MAX_MICROS, Math.max(0, nanos / 1_000));
  }
}
