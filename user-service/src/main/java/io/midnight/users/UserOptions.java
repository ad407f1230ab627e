package io.midnight.users;

import io.midnight.common.config.Defaults;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The user service's slice of the configuration (README, "Configuration"; defaults in common's midnight-defaults.json).
 *
 * @param dataDir                   where the signing key is generated when {@code auth.jwtKey} is not set
 * @param jwtKey                    the HS256 key, or null to use the data directory's
 * @param tokenTtlSeconds           how long a token is valid
 * @param pbkdf2Iterations          PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP's figure or more)
 * @param loginFailuresPerUser      login attempts a username may fail in a row before it is slowed down
 * @param loginFailureRefillSeconds then, one more attempt per this many seconds
 * @param hashesPerAddress          password hashes one source address may ask for at once (logins, sign-ups)
 * @param hashRefillSeconds         then, one more per this many seconds
 * @param maxPasswordsPerBatch      users with a password in one batch (each costs a hash, about 0.25 CPU s)
 * @param hashThreads               threads that compute hashes (0 in the config: half the cores, at least one)
 * @param maxQueuedHashes           hashes that may wait for a thread; past it, {@code unavailable}
 */
public record UserOptions(Path dataDir, String jwtKey, long tokenTtlSeconds, int pbkdf2Iterations,
                          int loginFailuresPerUser, double loginFailureRefillSeconds, int hashesPerAddress,
                          double hashRefillSeconds, int maxPasswordsPerBatch, int hashThreads, int maxQueuedHashes) {

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
    atLeastOne("loginFailuresPerUser", loginFailuresPerUser);
    atLeastOne("hashesPerAddress", hashesPerAddress);
    atLeastOne("hashThreads", hashThreads);
    atLeastOne("maxQueuedHashes", maxQueuedHashes);
    if (!(loginFailureRefillSeconds > 0) || !(hashRefillSeconds > 0)) {
      throw new IllegalArgumentException("users.loginFailureRefillSeconds and users.hashRefillSeconds must be > 0");
    }
    if (maxPasswordsPerBatch < 0 || maxPasswordsPerBatch > hashesPerAddress) {
      throw new IllegalArgumentException("users.maxPasswordsPerBatch must be 0 to users.hashesPerAddress ("
        + hashesPerAddress + "), got " + maxPasswordsPerBatch);
    }
  }

  private static int hashThreads(int configured) {
    return configured == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2) : configured;
  }

  private static void atLeastOne(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("users." + key + " must be >= 1, got " + value);
    }
  }

  /** Reads the config; an absent key takes its default ({@link Defaults}). */
  public static UserOptions fromConfig(JsonObject config) {
    JsonObject users = Defaults.section(config, "users");
    return new UserOptions(
      Path.of(Defaults.dataDir(config)),
      Defaults.section(config, "auth").getString("jwtKey"),
      users.getLong("tokenTtlSeconds"),
      users.getInteger("pbkdf2Iterations"),
      users.getInteger("loginFailuresPerUser"),
      users.getDouble("loginFailureRefillSeconds"),
      users.getInteger("hashesPerAddress"),
      users.getDouble("hashRefillSeconds"),
      users.getInteger("maxPasswordsPerBatch"),
      hashThreads(users.getInteger("hashThreads")),
      users.getInteger("maxQueuedHashes"));
  }
}
