package io.midnight.users;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The user service's slice of the configuration.
 *
 * @param dataDir          where the signing key is generated when {@code auth.jwtKey} is not set
 * @param jwtKey           the HS256 key, or null to use the data directory's
 * @param tokenTtlSeconds  how long a token is valid
 * @param pbkdf2Iterations PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP's figure or more)
 */
public record UserOptions(Path dataDir, String jwtKey, long tokenTtlSeconds, int pbkdf2Iterations) {

  public static final long DEFAULT_TOKEN_TTL_SECONDS = 7 * 24 * 3600;
  /** OWASP Password Storage Cheat Sheet: 600,000 iterations for PBKDF2-HMAC-SHA256. */
  public static final int MIN_PBKDF2_ITERATIONS = 600_000;

  public UserOptions {
    if (tokenTtlSeconds < 1) {
      throw new IllegalArgumentException("users.tokenTtlSeconds must be >= 1, got " + tokenTtlSeconds);
    }
    if (pbkdf2Iterations < MIN_PBKDF2_ITERATIONS) {
      throw new IllegalArgumentException("users.pbkdf2Iterations must be >= " + MIN_PBKDF2_ITERATIONS
        + " (OWASP), got " + pbkdf2Iterations);
    }
  }

  public static UserOptions fromConfig(JsonObject config) {
    JsonObject users = config.getJsonObject("users", new JsonObject());
    return new UserOptions(
      Path.of(config.getString("dataDir", "./data")),
      config.getJsonObject("auth", new JsonObject()).getString("jwtKey"),
      users.getLong("tokenTtlSeconds", DEFAULT_TOKEN_TTL_SECONDS),
      users.getInteger("pbkdf2Iterations", MIN_PBKDF2_ITERATIONS));
  }
}
