package io.midnight.bench;

import io.midnight.common.socketio.EventFrames;
import io.midnight.common.socketio.EventScan;

/**
 * The fan-out bench's own message text, {@code b|<step>|<intended send time>|<number>|Happy New Year!}: the time in
 * nanoseconds since the run's origin (so never negative), the number unique within the step. The receiver reads all
 * three back from each delivery's bytes ({@link EventScan}, no JSON parsing on the hot path), so that it can count
 * each message's deliveries (lost, duplicated) and its end-to-end latency. The frames are {@code common}'s.
 */
final class BenchText {

  private static final byte[] TEXT = EventScan.key("text");

  private BenchText() {
  }

  static String join(int room) {
    return EventFrames.rawEvent(0, "join", "{\"room\":" + room + "}");
  }

  static String message(int ackId, int room, int step, long intendedNanos, int number, String clientMsgId) {
    return EventFrames.rawEvent(ackId, "message", "{\"room\":" + room + ",\"text\":\"b|" + step + '|' + intendedNanos
      + '|' + number + "|Happy New Year!\",\"clientMsgId\":\"" + clientMsgId + "\"}");
  }

  /**
   * Reads a delivery's step, intended send time and number into {@code out} ({@code out[0]} step, {@code out[1]}
   * nanos, {@code out[2]} number); false when its text is not a bench text.
   */
  static boolean read(EventScan.Frame frame, long[] out) {
    int end = frame.stringEnd(TEXT);
    if (end < 0) {
      return false;
    }
    int p = frame.valueAt(TEXT) + 1;
    if (end - p < 2 || frame.byteAt(p) != 'b' || frame.byteAt(p + 1) != '|') {
      return false;
    }
    p += 2;
    for (int i = 0; i < 3; i++) {
      long value = p < end ? frame.digits(p) : EventScan.ABSENT;
      if (value == EventScan.ABSENT || value < 0) {
        return false;
      }
      out[i] = value;
      while (p < end && frame.byteAt(p) != '|') {
        p++;
      }
      p++;
    }
    return true;
  }
}
