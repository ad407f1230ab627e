package io.midnight.gateway.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Server-to-client WebSocket frames as bytes (RFC 6455 section 5.2: FIN and opcode, an unmasked length, the
 * payload), so that one encoded frame can be written to many connections as it is. A server never masks, so the
 * bytes are the same for every client. Buffers are direct and pooled: the socket writes them without a copy.
 */
public final class WebSocketFrames {

  private static final int TEXT = 0x81;
  private static final int BINARY = 0x82;

  private WebSocketFrames() {
  }

  /** A final text frame holding {@code payload} in UTF-8. The caller owns (and releases) the buffer. */
  public static ByteBuf text(CharSequence payload) {
    int length = ByteBufUtil.utf8Bytes(payload);
    ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(headerSize(length) + length);
    header(frame, TEXT, length);
    ByteBufUtil.writeUtf8(frame, payload);
    return frame;
  }

  /** A final binary frame holding {@code payload}. The caller owns (and releases) the buffer. */
  public static ByteBuf binary(byte[] payload) {
    int length = payload.length;
    ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(headerSize(length) + length);
    header(frame, BINARY, length);
    frame.writeBytes(payload);
    return frame;
  }

  private static int headerSize(int length) {
    return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
  }

  private static void header(ByteBuf frame, int opcode, int length) {
    frame.writeByte(opcode);
    if (length < 126) {
      frame.writeByte(length);
    } else if (length <= 0xFFFF) {
      frame.writeByte(126).writeShort(length);
    } else {
      frame.writeByte(127).writeLong(length);
    }
  }
}
