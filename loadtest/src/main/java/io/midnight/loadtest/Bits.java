package io.midnight.loadtest;

import java.util.Base64;
import java.util.BitSet;

/** A {@link BitSet} as text for the control channel between the main process and its load workers. */
final class Bits {

  private Bits() {
  }

  static String encode(BitSet bits) {
    return Base64.getEncoder().encodeToString(bits.toByteArray());
  }

  static BitSet decode(String base64) {
    return BitSet.valueOf(Base64.getDecoder().decode(base64));
  }
}
