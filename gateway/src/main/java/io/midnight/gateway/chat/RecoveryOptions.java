package io.midnight.gateway.chat;

import io.midnight.common.config.Defaults;
import io.vertx.core.json.JsonObject;

/**
 * Connection-state recovery's slice of {@code socketio}: how long a dropped session's missed deliveries may be
 * recovered, and how many dropped sessions one node remembers at once (the oldest forgotten first).
 *
 * @param ttlMillis      {@code socketio.recoveryTtlSeconds}, in milliseconds
 * @param maxRecoverable {@code socketio.maxRecoverable}
 */
public record RecoveryOptions(long ttlMillis, int maxRecoverable) {

  public RecoveryOptions {
    if (ttlMillis < 1_000 || maxRecoverable < 1) {
      throw new IllegalArgumentException("socketio.recoveryTtlSeconds and socketio.maxRecoverable must be >= 1");
    }
  }

  public static RecoveryOptions fromConfig(JsonObject config) {
    JsonObject socketio = Defaults.section(config, "socketio");
    return new RecoveryOptions(socketio.getLong("recoveryTtlSeconds") * 1000, socketio.getInteger("maxRecoverable"));
  }
}
