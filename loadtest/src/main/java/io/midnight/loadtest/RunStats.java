package io.midnight.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every client of a run reports, from any thread: counters, latency histograms (microseconds, measured from
 * the scheduled time, so a stalled server shows in them), and one timeline point per second. A load worker ships
 * what changed each second ({@link #delta()}); the main process adds it into its own ({@link #absorb}), so its
 * timeline, totals and percentiles are those of all workers together. Thread-safe.
 */
final class RunStats {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  final LongAdder sent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder delivered = new LongAdder();
  /** Sends the server refused for now ({@code unavailable}, {@code rate_limited}) and that were sent again. */
  final LongAdder refused = new LongAdder();
  /** Sends due while their client had its cap of unsettled sends out: never sent, not errors. */
  final LongAdder skippedClientCap = new LongAdder();
  /** Writes held back because the socket's write queue was full (the server was not reading). */
  final LongAdder writeQueueFull = new LongAdder();
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger joined = new AtomicInteger();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  /** 00:00 and the end of the burst window (nanoTime); a run without a burst leaves them at "never". */
  private volatile long burstStart = Long.MAX_VALUE;
  private volatile long burstEnd = Long.MAX_VALUE;
  private final LongAdder burstSent = new LongAdder();
  private final LongAdder burstAcked = new LongAdder();
  private final LongAdder burstDelivered = new LongAdder();
  private final LongAccumulator burstLastAck = new LongAccumulator(Math::max, Long.MIN_VALUE);
  private final LongAccumulator burstLastDelivery = new LongAccumulator(Math::max, Long.MIN_VALUE);

  private final Recorder ack = new Recorder(MAX_MICROS, 3);
  private final Recorder endToEnd = new Recorder(MAX_MICROS, 3);
  private final Recorder connect = new Recorder(MAX_MICROS, 3);
  private final Histogram ackTotal = new Histogram(MAX_MICROS, 3);
  private final Histogram endToEndTotal = new Histogram(MAX_MICROS, 3);
  private final Histogram connectTotal = new Histogram(MAX_MICROS, 3);
  /** What workers recorded since the last tick, added into the interval histograms there. */
  private final Histogram absorbedAck = new Histogram(MAX_MICROS, 3);
  private final Histogram absorbedEndToEnd = new Histogram(MAX_MICROS, 3);
  private final Histogram absorbedConnect = new Histogram(MAX_MICROS, 3);
  /** A worker's counters as of its last {@link #delta()}. */
  private final Map<String, Long> shipped = new HashMap<>();
  private final JsonArray timeline = new JsonArray();
  private long lastSent;
  private long lastAcked;
  private long lastDelivered;
  private long lastRefused;

  /** Marks [start, end) as the burst: sends scheduled in it are the greetings the midnight section follows. */
  void burstWindow(long start, long end) {
    burstStart = start;
    burstEnd = end;
  }

  /**
   * Compared in whole microseconds: a receiver reads the scheduled time from the greeting's tag, which carries
   * microseconds, and a send due right at the window's end must not turn into a greeting on the way.
   */
  boolean inBurst(long scheduledNanos) {
    long micros = Math.floorDiv(scheduledNanos, 1_000);
    return micros >= Math.floorDiv(burstStart, 1_000) && micros < Math.floorDiv(burstEnd, 1_000);
  }

  void burstSent() {
    burstSent.increment();
  }

  /** A greeting's first ack at {@code now}. */
  void burstAcked(long now) {
    burstAcked.increment();
    burstLastAck.accumulate(now);
  }

  void burstDelivered(long now) {
    burstDelivered.increment();
    burstLastDelivery.accumulate(now);
  }

  /**
   * The burst in numbers: greetings sent and acked, deliveries owed and made, seconds from 00:00 to the last
   * greeting's ack and to its last delivery, and from the window's end to that ack (null before any).
   */
  JsonObject burst(List<RoomLedger> rooms) {
    long owed = 0;
    for (RoomLedger room : rooms) {
      owed += room.greetingsAcked() * room.members(); // members as they are at the end: a storm adds them late
    }
    long start = burstStart;
    long lastAck = burstLastAck.get();
    long lastDelivery = burstLastDelivery.get();
    long end = burstEnd;
    return new JsonObject().put("burstSent", burstSent.sum()).put("burstAcked", burstAcked.sum())
      .put("backlogClearedSeconds", lastAck == Long.MIN_VALUE ? null
        : Math.round(Math.max(0, lastAck - end) / 1e7) / 100.0)
      .put("burstDeliveriesOwed", owed).put("burstDelivered", burstDelivered.sum())
      .put("burstAckedWithinSeconds", lastAck == Long.MIN_VALUE ? null : Math.round((lastAck - start) / 1e7) / 100.0)
      .put("burstDeliveredWithinSeconds",
        lastDelivery == Long.MIN_VALUE ? null : Math.round((lastDelivery - start) / 1e7) / 100.0);
  }

  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  void ackLatency(long nanos) {
    ack.recordValue(clamp(nanos));
  }

  void endToEndLatency(long nanos) {
    endToEnd.recordValue(clamp(nanos));
  }

  void connectLatency(long nanos) {
    connect.recordValue(clamp(nanos));
  }

  private static long clamp(long nanos) {
    return Math.max(0, Math.min(MAX_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
  }

  /** Closes one second of the timeline (called once a second by the run): rates and that second's percentiles. */
  synchronized JsonObject tick(double t) {
    Histogram ackInterval = interval(ack, absorbedAck);
    Histogram e2eInterval = interval(endToEnd, absorbedEndToEnd);
    ackTotal.add(ackInterval);
    endToEndTotal.add(e2eInterval);
    connectTotal.add(interval(connect, absorbedConnect));
    long s = sent.sum();
    long a = acked.sum();
    long d = delivered.sum();
    long r = refused.sum();
    JsonObject point = new JsonObject()
      .put("t", Math.round(t * 10) / 10.0)
      .put("sent", s - lastSent)
      .put("acked", a - lastAcked)
      .put("delivered", d - lastDelivered)
      .put("refused", r - lastRefused)
      .put("connections", connected.get())
      .put("ackP50", ms(ackInterval, 50))
      .put("ackP99", ms(ackInterval, 99))
      .put("e2eP50", ms(e2eInterval, 50))
      .put("e2eP99", ms(e2eInterval, 99));
    lastSent = s;
    lastAcked = a;
    lastDelivered = d;
    lastRefused = r;
    timeline.add(point);
    return point;
  }

  /** The newest timeline point, or null before the first second closed. */
  synchronized JsonObject lastTick() {
    return timeline.isEmpty() ? null : timeline.getJsonObject(timeline.size() - 1);
  }

  synchronized JsonArray timeline() {
    return timeline.copy();
  }

  /** Whole-run percentiles, including what was recorded since the last tick. */
  synchronized JsonObject latency() {
    ackTotal.add(interval(ack, absorbedAck));
    endToEndTotal.add(interval(endToEnd, absorbedEndToEnd));
    connectTotal.add(interval(connect, absorbedConnect));
    return new JsonObject()
      .put("ackMs", summary(ackTotal))
      .put("endToEndMs", summary(endToEndTotal))
      .put("connectMs", summary(connectTotal));
  }

  /** What this process recorded since it was last asked, plus what workers shipped meanwhile. */
  private static Histogram interval(Recorder local, Histogram absorbed) {
    Histogram interval = local.getIntervalHistogram();
    interval.add(absorbed);
    absorbed.reset();
    return interval;
  }

  private Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("sent", sent.sum());
    counts.put("acked", acked.sum());
    counts.put("retries", retries.sum());
    counts.put("delivered", delivered.sum());
    counts.put("refused", refused.sum());
    counts.put("skippedClientCap", skippedClientCap.sum());
    counts.put("writeQueueFull", writeQueueFull.sum());
    counts.put("connected", (long) connected.get());
    counts.put("joined", (long) joined.get());
    counts.put("burstSent", burstSent.sum());
    counts.put("burstAcked", burstAcked.sum());
    counts.put("burstDelivered", burstDelivered.sum());
    errors.forEach((kind, n) -> counts.put("error:" + kind, n.sum()));
    return counts;
  }

  /**
   * A worker's second: every counter's change since the last call (the connected and joined gauges too), the
   * latency recorded meanwhile (compressed HdrHistograms), and the burst's last ack and delivery (wall clock).
   * The worker calls this instead of {@link #tick}.
   */
  synchronized JsonObject delta() {
    JsonObject changed = new JsonObject();
    counts().forEach((name, now) -> {
      long before = shipped.getOrDefault(name, 0L);
      if (now != before) {
        changed.put(name, now - before);
        shipped.put(name, now);
      }
    });
    JsonObject out = new JsonObject().put("counts", changed)
      .put("ack", encode(ack.getIntervalHistogram()))
      .put("endToEnd", encode(endToEnd.getIntervalHistogram()))
      .put("connect", encode(connect.getIntervalHistogram()));
    long lastAck = burstLastAck.get();
    long lastDelivery = burstLastDelivery.get();
    if (lastAck != Long.MIN_VALUE) {
      out.put("burstLastAck", RunClock.wallMicros(lastAck));
    }
    if (lastDelivery != Long.MIN_VALUE) {
      out.put("burstLastDelivery", RunClock.wallMicros(lastDelivery));
    }
    return out;
  }

  /** Adds a worker's {@link #delta()} into this process's figures (taken into the timeline at the next tick). */
  synchronized void absorb(JsonObject delta) {
    delta.getJsonObject("counts").forEach(e -> {
      long n = ((Number) e.getValue()).longValue();
      switch (e.getKey()) {
        case "sent" -> sent.add(n);
        case "acked" -> acked.add(n);
        case "retries" -> retries.add(n);
        case "delivered" -> delivered.add(n);
        case "refused" -> refused.add(n);
        case "skippedClientCap" -> skippedClientCap.add(n);
        case "writeQueueFull" -> writeQueueFull.add(n);
        case "connected" -> connected.addAndGet((int) n);
        case "joined" -> joined.addAndGet((int) n);
        case "burstSent" -> burstSent.add(n);
        case "burstAcked" -> burstAcked.add(n);
        case "burstDelivered" -> burstDelivered.add(n);
        default -> errors.computeIfAbsent(e.getKey().substring("error:".length()), k -> new LongAdder()).add(n);
      }
    });
    absorbedAck.add(decode(delta.getString("ack")));
    absorbedEndToEnd.add(decode(delta.getString("endToEnd")));
    absorbedConnect.add(decode(delta.getString("connect")));
    if (delta.containsKey("burstLastAck")) {
      burstLastAck.accumulate(RunClock.nanoTime(delta.getLong("burstLastAck")));
    }
    if (delta.containsKey("burstLastDelivery")) {
      burstLastDelivery.accumulate(RunClock.nanoTime(delta.getLong("burstLastDelivery")));
    }
  }

  /** A worker that died: its sockets are gone, so the gauges must not count them any more. */
  void forget(int connectedSockets) {
    connected.addAndGet(-connectedSockets);
  }

  private static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    h.encodeIntoCompressedByteBuffer(buffer);
    buffer.flip();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), MAX_MICROS);
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("a worker sent a histogram that does not decode: " + e.getMessage(), e);
    }
  }

  JsonObject errors() {
    JsonObject out = new JsonObject();
    new TreeMap<>(errors).forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static JsonObject summary(Histogram h) {
    return new JsonObject().put("p50", ms(h, 50)).put("p90", ms(h, 90)).put("p99", ms(h, 99))
      .put("p999", ms(h, 99.9)).put("max", h.getTotalCount() == 0 ? 0.0 : h.getMaxValue() / 1000.0)
      .put("count", h.getTotalCount());
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0.0 : Math.round(h.getValueAtPercentile(percentile) / 10.0) / 100.0;
  }
}
