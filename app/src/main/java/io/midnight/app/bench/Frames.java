package io.midnight.app.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The few Engine.IO v4 / Socket.IO v5 text frames the fan-out bench writes, and byte-level readers for the ones it
 * receives (no JSON parsing on the hot path: a delivery is recognised by its event name and its text field).
 *
 * <p>A bench message's text is {@code b|<step>|<intended send time>|<number>|Happy New Year!}, the time in
 * nanoseconds since the run's origin (so never negative) and the number unique within the step: the receiver
 * reads all three back from the delivery, so that it can count each message's deliveries (lost, duplicated).
 *
 * <p>Kept here rather than built on {@code common}'s {@code SocketIoPacket}: that codec parses JSON, and the client
 * reads hundreds of thousands of deliveries a second on the cores the server also needs.
 */
final class Frames {

  static final String TEXT_TAG = "b|";
  private static final byte[] MESSAGE_EVENT = "42[\"message\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TEXT_FIELD = "\"text\":\"b|".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERROR_FIELD = "\"error\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNAVAILABLE = "\"code\":\"unavailable\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RETRY_AFTER = "\"retryAfterMs\":".getBytes(StandardCharsets.US_ASCII);

  private Frames() {
  }

  static String join(int room) {
    return "420[\"join\",{\"room\":" + room + "}]";
  }

  static String message(int ackId, int room, int step, long intendedNanos, int number, String clientMsgId) {
    return "42" + ackId + "[\"message\",{\"room\":" + room + ",\"text\":\"" + TEXT_TAG + step + '|' + intendedNanos
      + '|' + number + "|Happy New Year!\",\"clientMsgId\":\"" + clientMsgId + "\"}]";
  }

  /** True for {@code 42["message",...]} (an event without an ack id). */
  static boolean isMessageEvent(Buffer frame) {
    return startsWith(frame, MESSAGE_EVENT, 0);
  }

  /** The ack id of a {@code 43<id>[...]} frame, or -1 when it has none. */
  static int ackId(Buffer frame) {
    long id = digits(frame, 2);
    return id < 0 || id > Integer.MAX_VALUE ? -1 : (int) id;
  }

  static boolean hasError(Buffer frame) {
    return indexOf(frame, ERROR_FIELD, 2) >= 0;
  }

  /** An error ack with code {@code unavailable}: the server refused for now and a retry may succeed. */
  static boolean isUnavailable(Buffer frame) {
    return indexOf(frame, UNAVAILABLE, 2) >= 0;
  }

  /** The {@code retryAfterMs} of an error ack, or -1 when it has none. */
  static long retryAfterMs(Buffer frame) {
    int at = indexOf(frame, RETRY_AFTER, 2);
    return at < 0 ? -1 : digits(frame, at + RETRY_AFTER.length);
  }

  /**
   * Reads a bench delivery's step, intended send time and number into {@code out} ({@code out[0]} step, {@code
   * out[1]} nanos, {@code out[2]} number); false when the frame carries no bench text.
   */
  static boolean readBenchText(Buffer frame, long[] out) {
    int at = indexOf(frame, TEXT_FIELD, MESSAGE_EVENT.length);
    if (at < 0) {
      return false;
    }
    int p = at + TEXT_FIELD.length;
    long step = digits(frame, p);
    if (step < 0) {
      return false;
    }
    while (p < frame.length() && frame.getByte(p) != '|') {
      p++;
    }
    p++;
    long nanos = digits(frame, p);
    if (nanos < 0) {
      return false;
    }
    while (p < frame.length() && frame.getByte(p) != '|') {
      p++;
    }
    long number = digits(frame, p + 1);
    if (number < 0) {
      return false;
    }
    out[0] = step;
    out[1] = nanos;
    out[2] = number;
    return true;
  }

  /** The non-negative decimal number starting at {@code from} (at most 18 digits), or -1 when there is none. */
  static long digits(Buffer frame, int from) {
    int n = frame.length();
    int p = from;
    long value = 0;
    int start = p;
    while (p < n && p - start < 18) {
      byte b = frame.getByte(p);
      if (b < '0' || b > '9') {
        break;
      }
      value = value * 10 + (b - '0');
      p++;
    }
    if (p == start) {
      return -1;
    }
    return value;
  }

  static int indexOf(Buffer frame, byte[] pattern, int from) {
    int last = frame.length() - pattern.length;
    outer:
    for (int i = Math.max(0, from); i <= last; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (frame.getByte(i + j) != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static boolean startsWith(Buffer frame, byte[] pattern, int at) {
    if (frame.length() < at + pattern.length) {
      return false;
    }
    for (int j = 0; j < pattern.length; j++) {
      if (frame.getByte(at + j) != pattern[j]) {
        return false;
      }
    }
    return true;
  }
}
