package io.midnight.gateway.engine;

import io.midnight.common.config.Defaults;
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

  /** The {@code socketio} config slice (may be null); absent keys take their defaults ({@link Defaults}). */
  public static EngineOptions fromConfig(JsonObject socketio) {
    JsonObject c = Defaults.over("socketio", socketio);
    return new EngineOptions(DEFAULT_PATH, positive(c, "pingInterval"), positive(c, "pingTimeout"),
      (int) positive(c, "maxPayload"), (int) positive(c, "maxQueuedFrames"), positive(c, "maxQueuedBytes"),
      positive(c, "connectTimeout"), (int) positive(c, "maxAttachments"));
  }

  public EngineOptions withPath(String newPath) {
    return new EngineOptions(newPath, pingInterval, pingTimeout, maxPayload, maxQueuedFrames, maxQueuedBytes,
      connectTimeout, maxAttachments);
  }

  private static long positive(JsonObject c, String key) {
    Object v = c.getValue(key);
    if (!(v instanceof Number n) || n.longValue() <= 0) {
      throw new IllegalArgumentException("socketio." + key + " must be a positive number, got " + v);
    }
    return n.longValue();
  }
}
