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

  /** Ends every greeting of a run: {@code ~<user>.<k>.<scheduled nanos>}. */
  private static final String MARK = " ~";

  /** Who sent a greeting (user number, its k-th message) and when it was scheduled. */
  record Tag(int user, long k, long scheduledNanos) {
  }

  private Greetings() {
  }

  /** The k-th greeting of a user, tagged with the user, k and the scheduled send time (this JVM's nanoTime). */
  static String text(int user, long k, long scheduledNanos) {
    return MESSAGES.get((int) ((user + k) % MESSAGES.size())) + MARK + user + "." + k + "." + scheduledNanos;
  }

  /** The tag of a greeting of this tool, or null for any other text. */
  static Tag tag(String text) {
    int at = text.lastIndexOf(MARK);
    if (at < 0) {
      return null;
    }
    String[] parts = text.substring(at + MARK.length()).split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      return new Tag(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
