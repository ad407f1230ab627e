package io.midnight.common.auth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The operator's secret: whoever presents it ({@code Authorization: Bearer <key>}) may start and stop load tests,
 * edit presets, and read the metrics and the dashboard from anywhere (README, "Operators"). Taken from
 * {@code auth.operatorKey} when set (a cluster sets it, so that every gateway knows the same key); otherwise
 * generated on the first start into {@code <dataDir>/operator.key}, which the operator reads from there.
 */
public final class OperatorKey {

  public static final String FILE_NAME = "operator.key";
  private static final int MIN_LENGTH = 16;

  private OperatorKey() {
  }

  public static String resolve(String configured, Path dataDir) throws IOException {
    if (configured != null && !configured.isBlank()) {
      if (configured.length() < MIN_LENGTH) {
        throw new IllegalArgumentException("auth.operatorKey must be at least " + MIN_LENGTH + " characters");
      }
      return configured;
    }
    return KeyFile.readOrCreate(dataDir, FILE_NAME);
  }
}
