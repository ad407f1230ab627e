package io.midnight.common.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The HS256 key that signs and verifies tokens. Taken from config when set; otherwise generated once into
 * {@code <dataDir>/jwt.key} ({@link KeyFile}) and read back on every later start, so tokens survive a restart.
 */
public final class SigningKey {

  public static final String FILE_NAME = "jwt.key";
  static final int KEY_BYTES = 32;

  private SigningKey() {
  }

  public static String resolve(String configured, Path dataDir) throws IOException {
    if (configured != null && !configured.isBlank()) {
      if (configured.getBytes(StandardCharsets.UTF_8).length < KEY_BYTES) {
        throw new IllegalArgumentException("auth.jwtKey must be at least " + KEY_BYTES + " bytes for HS256");
      }
      return configured;
    }
    return KeyFile.readOrCreate(dataDir, FILE_NAME);
  }
}
