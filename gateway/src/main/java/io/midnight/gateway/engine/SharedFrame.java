package io.midnight.gateway.engine;

import io.netty.buffer.ByteBuf;

/**
 * One Engine.IO text packet on its way to many sessions of one event loop: encoded to a WebSocket frame once, on
 * first use, and the same bytes written to every WebSocket (each write takes a retained duplicate, no copy).
 * Polling sessions take the text. The owner calls {@link #release()} after the last write.
 *
 * <p>Not thread-safe: used on one event loop.
 */
public final class SharedFrame {

  private final String text;
  private ByteBuf bytes;

  public SharedFrame(String text) {
    this.text = text;
  }

  /** The Engine.IO packet, e.g. {@code 42["message",{...}]}. */
  public String text() {
    return text;
  }

  ByteBuf bytes() {
    if (bytes == null) {
      bytes = WebSocketFrames.text(text);
    }
    return bytes;
  }

  /** The WebSocket frame's size in bytes (encoding it if it was not yet). */
  public int byteSize() {
    return bytes().readableBytes();
  }

  public void release() {
    if (bytes != null) {
      bytes.release();
      bytes = null;
    }
  }
}
