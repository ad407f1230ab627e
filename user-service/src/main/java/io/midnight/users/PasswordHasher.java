package io.midnight.users;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Slow salted password hashes: PBKDF2-HMAC-SHA256, 16-byte random salt, 32-byte output, stored as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64) so the iteration count can rise without breaking old
 * hashes. Deliberately costly (hundreds of ms): call it on a worker thread. Thread-safe.
 */
final class PasswordHasher {

  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private final int iterations;
  private final SecureRandom random = new SecureRandom();
  private final String decoy;

  PasswordHasher(int iterations) {
    this.iterations = iterations;
    this.decoy = hash("decoy password for unknown users");
  }

  String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return PREFIX + "$" + iterations + "$" + b64(salt) + "$" + b64(derive(password, salt, iterations));
  }

  boolean verify(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return false;
    }
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
  }

  /** Spends the same time as a real check, so a login for an unknown user cannot be told apart by timing. */
  void burn(String password) {
    verify(password, decoy);
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }
}
