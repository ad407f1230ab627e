package io.midnight.loadtest;

/**
 * The shape of a midnight run: 00:00 comes {@code countdownSeconds} after sending starts; then every user sends
 * {@code greetings} greeting(s), each at its own random instant of the next {@code windowSeconds}, whatever its base
 * rate (which goes on before and after the window). With {@code connectStormSeconds} > 0 the users are not
 * connected before: the countdown starts at once, they connect in its last {@code connectStormSeconds} seconds (the
 * reconnect storm that comes with midnight), and sending starts at 00:00.
 */
public record Countdown(int countdownSeconds, int windowSeconds, int greetings, int connectStormSeconds) {

  public static final Countdown DEFAULT = new Countdown(10, 1, 1, 0);
  public static final int MAX_GREETINGS = 1_000;

  public Countdown {
    if (countdownSeconds < 1 || windowSeconds < 1 || greetings < 1 || greetings > MAX_GREETINGS) {
      throw new IllegalArgumentException("a countdown needs >= 1 s to 00:00, a burst window >= 1 s and 1 to "
        + MAX_GREETINGS + " greetings per user; got " + countdownSeconds + " s, " + windowSeconds + " s, "
        + greetings + " greeting(s)");
    }
    if (connectStormSeconds < 0 || connectStormSeconds > countdownSeconds) {
      throw new IllegalArgumentException("the connect storm happens within the countdown: 0 to " + countdownSeconds
        + " s; got " + connectStormSeconds + " s");
    }
  }

  boolean storm() {
    return connectStormSeconds > 0;
  }
}
