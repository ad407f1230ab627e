package io.midnight.common.socketio;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Reads what a load client needs from a server event as it came off the WebSocket ({@code 42["<event>",{...}...]},
 * the Engine.IO message {@link EventFrames} builds), without parsing its JSON or decoding it to a String: a client
 * that verifies every delivery of a spike does this hundreds of thousands of times a second.
 *
 * <p>A key is found by its bytes {@code "name":}. That cannot match inside a string value, where every quote is
 * escaped ({@code \"}), so the first match is the key itself; a server that writes the key twice, or nests an object
 * with the same key before it, is not one this reads. Anything unexpected answers "absent" ({@link #ABSENT}, -1),
 * and the caller falls back to the codec ({@link SocketIoPacket#decode}).
 */
public final class EventScan {

  /** No such key, or not the kind of value asked for. */
  public static final long ABSENT = Long.MIN_VALUE;

  private EventScan() {
  }

  /** The bytes an event of that name starts with: {@code 42["<event>",}. */
  public static byte[] eventPrefix(String event) {
    return (String.valueOf(EnginePacket.MESSAGE) + SocketIoPacket.EVENT + "[\"" + event + "\",")
      .getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes of a key as it appears in JSON: {@code "<name>":}. */
  public static byte[] key(String name) {
    return ("\"" + name + "\":").getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the frame starts with {@code prefix}, e.g. {@link #eventPrefix}. */
  public static boolean startsWith(Buffer frame, byte[] prefix) {
    if (frame.length() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (frame.getByte(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where the value of {@code key} (from {@link #key}) starts, past spaces; -1 when the key is not there. */
  public static int valueAt(Buffer frame, byte[] key) {
    int last = frame.length() - key.length;
    outer:
    for (int i = 0; i <= last; i++) {
      for (int j = 0; j < key.length; j++) {
        if (frame.getByte(i + j) != key[j]) {
          continue outer;
        }
      }
      int at = i + key.length;
      while (at < frame.length() && frame.getByte(at) == ' ') {
        at++;
      }
      return at < frame.length() ? at : -1;
    }
    return -1;
  }

  /** The whole number value of {@code key}, or {@link #ABSENT} (no key, a string, a fraction, out of range). */
  public static long longValue(Buffer frame, byte[] key) {
    int at = valueAt(frame, key);
    if (at < 0) {
      return ABSENT;
    }
    return digits(frame, at);
  }

  private static long digits(Buffer frame, int at) {
    boolean negative = frame.getByte(at) == '-';
    int i = negative ? at + 1 : at;
    long value = 0;
    int count = 0;
    for (; i < frame.length(); i++, count++) {
      byte b = frame.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      if (count == 18) {
        return ABSENT; // past what a long surely holds: let the codec decide
      }
      value = value * 10 + (b - '0');
    }
    if (count == 0 || (i < frame.length() && (frame.getByte(i) == '.' || frame.getByte(i) == 'e'
      || frame.getByte(i) == 'E'))) {
      return ABSENT;
    }
    return negative ? -value : value;
  }

  /**
   * The index of the closing quote of the string value of {@code key}, the value being the bytes between the
   * opening quote ({@link #valueAt}) and it; -1 when the key is absent, its value is not a string, or it is not
   * closed.
   */
  public static int stringEnd(Buffer frame, byte[] key) {
    int at = valueAt(frame, key);
    if (at < 0 || frame.getByte(at) != '"') {
      return -1;
    }
    for (int i = at + 1; i < frame.length(); i++) {
      byte b = frame.getByte(i);
      if (b == '\\') {
        i++; // an escaped character, a quote among them
      } else if (b == '"') {
        return i;
      }
    }
    return -1;
  }
}
