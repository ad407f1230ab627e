package io.midnight.loadtest;

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

  private static final String MARK = " ~t";

  private Greetings() {
  }

  /** The k-th greeting of a user, ending with the scheduled send time (System.nanoTime of this JVM). */
  static String text(int user, long k, long scheduledNanos) {
    return MESSAGES.get((int) ((user + k) % MESSAGES.size())) + MARK + scheduledNanos;
  }

  /** The scheduled send time carried by a greeting of this run, or -1 for any other text. */
  static long scheduledNanos(String text) {
    int at = text.lastIndexOf(MARK);
    if (at < 0) {
      return -1;
    }
    try {
      return Long.parseLong(text, at + MARK.length(), text.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
