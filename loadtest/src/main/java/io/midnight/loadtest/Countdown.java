package io.midnight.loadtest;

/**
 * The shape of a midnight run: 00:00 comes {@code countdownSeconds} after sending starts; from then on, for
 * {@code windowSeconds}, every user sends {@code multiplier} times its base rate.
 */
public record Countdown(int countdownSeconds, int windowSeconds, double multiplier) {

  public static final Countdown DEFAULT = new Countdown(10, 5, 10);

  public Countdown {
    if (countdownSeconds < 1 || windowSeconds < 1 || !(multiplier >= 1) || multiplier > 100) {
      throw new IllegalArgumentException("a countdown needs >= 1 s to 00:00, a burst window >= 1 s and a multiplier "
        + "in [1, 100]; got " + countdownSeconds + " s, " + windowSeconds + " s, x" + multiplier);
    }
  }
}
