package io.midnight.common.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 key that signs and verifies tokens. Taken from config when set; otherwise generated once into
 * {@code <dataDir>/jwt.key} with owner-only permissions and read back on every later start, so tokens survive a
 * restart. The file appears atomically (written aside, then hard-linked), so two processes starting at once agree on one key.
 */
public final class SigningKey {

  public static final String FILE_NAME = "jwt.key";
  private static final int KEY_BYTES = 32;

  private SigningKey() {
  }

  public static String resolve(String configured, Path dataDir) throws IOException {
    if (configured != null && !configured.isBlank()) {
      if (configured.getBytes(StandardCharsets.UTF_8).length < KEY_BYTES) {
        throw new IllegalArgumentException("auth.jwtKey must be at least " + KEY_BYTES + " bytes for HS256");
      }
      return configured;
    }
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      byte[] random = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(random);
      String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path tmp = Files.createTempFile(dataDir, FILE_NAME, ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(tmp, key, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.createLink(file, tmp); // atomic and never replaces: a concurrent starter's key wins or ours does
      } catch (FileAlreadyExistsException raced) {
        // another process created it first: use theirs
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    String key = Files.readString(file).trim();
    if (key.isEmpty()) {
      throw new IOException("signing key file " + file + " is empty; delete it to generate a new key");
    }
    return key;
  }
}
