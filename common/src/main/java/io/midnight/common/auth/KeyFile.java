package io.midnight.common.auth;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A secret generated once into a file of the data directory, owner-only, and read back on every later start. The
 * file appears atomically (written aside, then hard-linked), so two processes starting at once agree on one secret.
 */
final class KeyFile {

  private KeyFile() {
  }

  static String readOrCreate(Path dataDir, String fileName) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(fileName);
    if (!Files.exists(file)) {
      byte[] random = new byte[SigningKey.KEY_BYTES];
      new SecureRandom().nextBytes(random);
      String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path tmp = Files.createTempFile(dataDir, fileName, ".tmp",
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
      throw new IOException("key file " + file + " is empty; delete it to generate a new key");
    }
    return key;
  }
}
