package io.midnight.gateway.engine;

import io.vertx.core.json.JsonObject;

/**
 * Engine.IO settings. The defaults are the official server's: ping every 25 s, 20 s to answer, 1 MB payloads.
 * {@code maxQueuedFrames}/{@code maxQueuedBytes} bound what may wait to be written to one session; a session past
 * either bound is a slow consumer and is closed. {@code maxAttachments} bounds the binary attachments one Socket.IO
 * packet may announce (socket.io-parser's default, 10); a packet and its attachments together stay within
 * {@code maxPayload}.
 */
public record EngineOptions(String path, long pingInterval, long pingTimeout, int maxPayload, int maxQueuedFrames,
                            long maxQueuedBytes, long connectTimeout, int maxAttachments) {

  public static final String DEFAULT_PATH = "/socket.io/";
  public static final long DEFAULT_PING_INTERVAL = 25_000;
  public static final long DEFAULT_PING_TIMEOUT = 20_000;
  public static final int DEFAULT_MAX_PAYLOAD = 1_000_000;
  public static final int DEFAULT_MAX_QUEUED_FRAMES = 1_000;
  public static final long DEFAULT_MAX_QUEUED_BYTES = 1 << 20;
  public static final long DEFAULT_CONNECT_TIMEOUT = 45_000;
  public static final int DEFAULT_MAX_ATTACHMENTS = 10;

  public static EngineOptions defaults() {
    return new EngineOptions(DEFAULT_PATH, DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, DEFAULT_MAX_PAYLOAD,
      DEFAULT_MAX_QUEUED_FRAMES, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ATTACHMENTS);
  }

  /** Reads the {@code socketio} config slice; absent keys keep their defaults. */
  public static EngineOptions fromConfig(JsonObject socketio) {
    JsonObject c = socketio == null ? new JsonObject() : socketio;
    return new EngineOptions(DEFAULT_PATH,
      positive(c, "pingInterval", DEFAULT_PING_INTERVAL),
      positive(c, "pingTimeout", DEFAULT_PING_TIMEOUT),
      (int) positive(c, "maxPayload", DEFAULT_MAX_PAYLOAD),
      (int) positive(c, "maxQueuedFrames", DEFAULT_MAX_QUEUED_FRAMES),
      positive(c, "maxQueuedBytes", DEFAULT_MAX_QUEUED_BYTES),
      positive(c, "connectTimeout", DEFAULT_CONNECT_TIMEOUT),
      (int) positive(c, "maxAttachments", DEFAULT_MAX_ATTACHMENTS));
  }

  public EngineOptions withPath(String newPath) {
    return new EngineOptions(newPath, pingInterval, pingTimeout, maxPayload, maxQueuedFrames, maxQueuedBytes,
      connectTimeout, maxAttachments);
  }

  private static long positive(JsonObject c, String key, long fallback) {
    Object v = c.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.longValue() <= 0) {
      throw new IllegalArgumentException("socketio." + key + " must be a positive number, got " + v);
    }
    return n.longValue();
  }
}
