package io.midnight.common.socketio;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

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

  /**
   * A frame's bytes as one array, read in place when the buffer has one (a received WebSocket frame does): scanning
   * an array is several times cheaper than {@link Buffer#getByte}, which checks bounds at every call.
   */
  public record Frame(byte[] bytes, int offset, int length) {

    public byte byteAt(int i) {
      return bytes[offset + i];
    }

    /** The Engine.IO packet type ({@code '4'} for a message), or 0 for an empty frame. */
    public byte engineType() {
      return length == 0 ? 0 : bytes[offset];
    }

    /** The Socket.IO packet type of an Engine.IO message ({@code '2'} event, {@code '3'} ack...), else 0. */
    public byte socketIoType() {
      return length < 2 || bytes[offset] != EnginePacket.MESSAGE ? 0 : bytes[offset + 1];
    }

    /** The ack id of an event or ack packet of the default namespace ({@code 4[23]<id>...}), else -1. */
    public long ackId() {
      byte type = socketIoType();
      if ((type != '2' && type != '3') || length < 3 || bytes[offset + 2] < '0' || bytes[offset + 2] > '9') {
        return -1;
      }
      long id = digits(2);
      return id == ABSENT ? -1 : id;
    }

    /** Whether the frame holds the key {@code key} (from {@link #key}). */
    public boolean has(byte[] key) {
      return valueAt(key) >= 0;
    }

    /** Whether the value of {@code key} is the string {@code value} exactly (as {@link #key}'s bytes, no escapes). */
    public boolean stringIs(byte[] key, String value) {
      int end = stringEnd(key);
      if (end < 0) {
        return false;
      }
      int start = valueAt(key) + 1;
      byte[] expected = value.getBytes(StandardCharsets.UTF_8);
      if (end - start != expected.length) {
        return false;
      }
      for (int i = 0; i < expected.length; i++) {
        if (bytes[offset + start + i] != expected[i]) {
          return false;
        }
      }
      return true;
    }

    /** Whether the frame starts with {@code prefix}, e.g. {@link #eventPrefix}. */
    public boolean startsWith(byte[] prefix) {
      if (length < prefix.length) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (bytes[offset + i] != prefix[i]) {
          return false;
        }
      }
      return true;
    }

    /** Where the value of {@code key} (from {@link #key}) starts, past spaces; -1 when the key is not there. */
    public int valueAt(byte[] key) {
      int last = length - key.length;
      byte first = key[0];
      outer:
      for (int i = 0; i <= last; i++) {
        if (bytes[offset + i] != first) {
          continue;
        }
        for (int j = 1; j < key.length; j++) {
          if (bytes[offset + i + j] != key[j]) {
            continue outer;
          }
        }
        int at = i + key.length;
        while (at < length && bytes[offset + at] == ' ') {
          at++;
        }
        return at < length ? at : -1;
      }
      return -1;
    }

    /** The whole number value of {@code key}, or {@link #ABSENT} (no key, a string, a fraction, out of range). */
    public long longValue(byte[] key) {
      int at = valueAt(key);
      return at < 0 ? ABSENT : digits(at);
    }

    /** The whole number starting at {@code at}, or {@link #ABSENT}. */
    public long digits(int at) {
      boolean negative = byteAt(at) == '-';
      int i = negative ? at + 1 : at;
      long value = 0;
      int count = 0;
      for (; i < length; i++, count++) {
        byte b = byteAt(i);
        if (b < '0' || b > '9') {
          break;
        }
        if (count == 18) {
          return ABSENT; // past what a long surely holds: let the codec decide
        }
        value = value * 10 + (b - '0');
      }
      if (count == 0 || (i < length && (byteAt(i) == '.' || byteAt(i) == 'e' || byteAt(i) == 'E'))) {
        return ABSENT;
      }
      return negative ? -value : value;
    }

    /**
     * The index of the closing quote of the string value of {@code key}, the value being the bytes between the
     * opening quote ({@link #valueAt}) and it; -1 when the key is absent, its value is not a string, or it is not
     * closed.
     */
    public int stringEnd(byte[] key) {
      int at = valueAt(key);
      if (at < 0 || byteAt(at) != '"') {
        return -1;
      }
      for (int i = at + 1; i < length; i++) {
        byte b = bytes[offset + i];
        if (b == '\\') {
          i++; // an escaped character, a quote among them
        } else if (b == '"') {
          return i;
        }
      }
      return -1;
    }
  }

  /** The bytes of {@code frame}, in place when it is backed by an array, else copied. */
  public static Frame frame(Buffer frame) {
    if (frame instanceof BufferInternal internal) {
      ByteBuf bytes = internal.getByteBuf();
      if (bytes.hasArray()) {
        return new Frame(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      }
    }
    return new Frame(frame.getBytes(), 0, frame.length());
  }
}
