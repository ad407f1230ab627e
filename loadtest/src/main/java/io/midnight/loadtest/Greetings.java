package io.midnight.loadtest;

import io.midnight.common.socketio.EventScan;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/** The seed's New Year greetings, varied per message, with a marker that carries the scheduled send time. */
public final class Greetings {

  /** The seed's {@code NEW_YEAR_MESSAGES}. */
  public static final List<String> MESSAGES = List.of(
    "🎉 Happy New Year! Wishing you joy and prosperity! 🎊",
    "✨ May this new year bring you endless happiness! ✨",
    "🥳 Cheers to a fantastic new year ahead! 🥂",
    "🌟 New year, new dreams, new opportunities! 🌟",
    "🎆 Wishing you love, laughter, and success! 🎆",
    "💫 May all your wishes come true this year! 💫",
    "🎊 Here's to new beginnings and fresh starts! 🎊",
    "🌈 Sending you warm wishes for the new year! 🌈",
    "🎁 May this year be filled with wonderful surprises! 🎁",
    "⭐ Wishing you health, wealth, and happiness! ⭐");

  /** Ends every greeting of a run: {@code ~<user>.<k>.<scheduled time>}. */
  private static final String MARK = " ~";

  /** Who sent a greeting (user number, its k-th message) and when it was scheduled (wall clock, microseconds). */
  record Tag(int user, long k, long scheduledMicros) {
  }

  private Greetings() {
  }

  /**
   * The k-th greeting of a user, tagged with the user, k and the scheduled send time (wall-clock microseconds, so a
   * receiver in another load worker reads the same instant).
   */
  static String text(int user, long k, long scheduledMicros) {
    return MESSAGES.get((int) ((user + k) % MESSAGES.size())) + MARK + user + "." + k + "." + scheduledMicros;
  }

  /**
   * The tag of a greeting read backwards from the closing quote of its text in a frame as it arrived (the tag is
   * ASCII at the very end of the text, so no decoding is needed), or null when the text carries none.
   */
  static Tag tag(EventScan.Frame frame, int closingQuote) {
    long[] parts = new long[3];
    int i = closingQuote - 1;
    for (int p = 2; p >= 0; p--) {
      long value = 0;
      long scale = 1;
      int digits = 0;
      while (i >= 0 && frame.byteAt(i) >= '0' && frame.byteAt(i) <= '9' && digits < 18) {
        value += (frame.byteAt(i) - '0') * scale;
        scale *= 10;
        digits++;
        i--;
      }
      if (p == 2 && digits > 0 && i >= 0 && frame.byteAt(i) == '-') {
        value = -value; // a clock before 1970
        i--;
      }
      if (digits == 0 || i < 1 || frame.byteAt(i) != (p == 0 ? '~' : '.')) {
        return null;
      }
      parts[p] = value;
      i--;
    }
    if (frame.byteAt(i) != ' ' || parts[0] > Integer.MAX_VALUE) {
      return null;
    }
    return new Tag((int) parts[0], parts[1], parts[2]);
  }

  /** The tag of a greeting of this tool, or null for any other text. */
  static Tag tag(String text) {
    EventScan.Frame bytes = EventScan.frame(Buffer.buffer(text));
    return tag(bytes, bytes.length()); // as if the text's closing quote followed it
  }

}
