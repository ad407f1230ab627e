package io.midnight.loadtest;

/**
 * The shape of a midnight run: 00:00 comes {@code countdownSeconds} after sending starts; then every user sends
 * {@code greetings} greeting(s), each at its own random instant of the next {@code windowSeconds}, whatever its base
 * rate (which goes on before and after the window).
 */
public record Countdown(int countdownSeconds, int windowSeconds, int greetings) {

  public static final Countdown DEFAULT = new Countdown(10, 1, 1);
  public static final int MAX_GREETINGS = 1_000;

  public Countdown {
    if (countdownSeconds < 1 || windowSeconds < 1 || greetings < 1 || greetings > MAX_GREETINGS) {
      throw new IllegalArgumentException("a countdown needs >= 1 s to 00:00, a burst window >= 1 s and 1 to "
        + MAX_GREETINGS + " greetings per user; got " + countdownSeconds + " s, " + windowSeconds + " s, "
        + greetings + " greeting(s)");
    }
  }
}
