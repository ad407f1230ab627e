package io.midnight.common.socketio;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One Engine.IO v4 packet: a type character and either text or (for a binary message) bytes. Also the polling
 * payload format: packets joined by the record separator, binary ones as {@code b} + base64. Immutable.
 */
public record EnginePacket(char type, String text, Buffer binary) {

  public static final char OPEN = '0';
  public static final char CLOSE = '1';
  public static final char PING = '2';
  public static final char PONG = '3';
  public static final char MESSAGE = '4';
  public static final char UPGRADE = '5';
  public static final char NOOP = '6';
  public static final char RECORD_SEPARATOR = '\u001e';

  public static EnginePacket of(char type) {
    return new EnginePacket(type, "", null);
  }

  public static EnginePacket of(char type, String text) {
    return new EnginePacket(type, text, null);
  }

  public static EnginePacket message(String text) {
    return new EnginePacket(MESSAGE, text, null);
  }

  public static EnginePacket binary(Buffer bytes) {
    return new EnginePacket(MESSAGE, null, bytes);
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** The form of a WebSocket text frame (or of a text packet in a polling payload). */
  public String encodeText() {
    return type + text;
  }

  /** Decodes a WebSocket text frame; fails with a reason for an empty frame or an unknown type. */
  public static EnginePacket decodeText(String frame) {
    if (frame.isEmpty()) {
      throw new IllegalArgumentException("empty Engine.IO packet");
    }
    char type = frame.charAt(0);
    if (type < OPEN || type > NOOP) {
      throw new IllegalArgumentException("unknown Engine.IO packet type '" + printable(type) + "'");
    }
    return new EnginePacket(type, frame.substring(1), null);
  }

  /** Joins packets into one polling body. */
  public static String encodePayload(List<EnginePacket> packets) {
    StringBuilder out = new StringBuilder();
    for (EnginePacket packet : packets) {
      if (!out.isEmpty()) {
        out.append(RECORD_SEPARATOR);
      }
      if (packet.isBinary()) {
        out.append('b').append(Base64.getEncoder().encodeToString(packet.binary().getBytes()));
      } else {
        out.append(packet.type()).append(packet.text());
      }
    }
    return out.toString();
  }

  /** Splits a polling body; fails with a reason when any packet in it does not decode. */
  public static List<EnginePacket> decodePayload(String body) {
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (start <= body.length()) {
      int end = body.indexOf(RECORD_SEPARATOR, start);
      if (end < 0) {
        end = body.length();
      }
      String part = body.substring(start, end);
      if (!part.isEmpty() && part.charAt(0) == 'b') {
        try {
          packets.add(binary(Buffer.buffer(Base64.getDecoder().decode(part.substring(1)))));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("bad base64 in a binary Engine.IO packet");
        }
      } else {
        packets.add(decodeText(part));
      }
      start = end + 1;
    }
    return packets;
  }

  static String printable(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
