package io.midnight.loadtest;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A named load shape: how many users in how many rooms, for how long, each sending {@code ratePerUser} messages a
 * second. The six of the seed's menu keep its names and sizes (DESIGN section 6). A {@link Kind#CONNECTIONS} run
 * sends nothing: it connects, holds the connections for the duration, and disconnects.
 */
public record Preset(String name, Kind kind, int users, int rooms, int durationSeconds, double ratePerUser) {

  /** What a run does once its users are in. */
  public enum Kind { CHAT, CONNECTIONS, MIDNIGHT }

  public static final double DEFAULT_RATE_PER_USER = 0.5;

  /** The connection test of the menu (8): connect, hold, disconnect; no messages. */
  public static final Preset CONNECTIONS = new Preset("connections", Kind.CONNECTIONS, 1_000, 10, 30,
    DEFAULT_RATE_PER_USER);

  /**
   * The midnight countdown of the menu (9): users chat at a low base rate, a countdown runs, and at 00:00 every
   * user sends {@link Countdown#multiplier()} times as fast for the burst window.
   */
  public static final Preset MIDNIGHT = new Preset("midnight", Kind.MIDNIGHT, 1_000, 10, 40, 0.2);

  public Preset(String name, int users, int rooms, int durationSeconds, double ratePerUser) {
    this(name, Kind.CHAT, users, rooms, durationSeconds, ratePerUser);
  }

  public static final List<Preset> CATALOG = List.of(
    new Preset("quick", 30, 10, 30, DEFAULT_RATE_PER_USER),
    new Preset("medium", 100, 15, 60, DEFAULT_RATE_PER_USER),
    new Preset("strong", 500, 20, 120, DEFAULT_RATE_PER_USER),
    new Preset("extreme", 1_000, 25, 180, DEFAULT_RATE_PER_USER),
    new Preset("mega", 5_000, 30, 300, DEFAULT_RATE_PER_USER),
    new Preset("ultra", 10_000, 35, 600, DEFAULT_RATE_PER_USER));

  public Preset {
    if (users < 1 || rooms < 1 || durationSeconds < 1 || !(ratePerUser > 0) || ratePerUser > 20) {
      throw new IllegalArgumentException("a preset needs users >= 1, rooms >= 1, duration >= 1 s and a rate per user "
        + "in (0, 20] msgs/s; got users " + users + ", rooms " + rooms + ", duration " + durationSeconds
        + " s, rate " + ratePerUser);
    }
    if (rooms > users) {
      throw new IllegalArgumentException("more rooms (" + rooms + ") than users (" + users + "): some rooms would be empty");
    }
  }

  public static Optional<Preset> named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return wanted.equals(CONNECTIONS.name) ? Optional.of(CONNECTIONS)
      : wanted.equals(MIDNIGHT.name) ? Optional.of(MIDNIGHT)
      : CATALOG.stream().filter(p -> p.name.equals(wanted)).findFirst();
  }

  public Preset with(Integer newUsers, Integer newRooms, Integer newDuration, Double newRate) {
    return new Preset(name, kind, newUsers != null ? newUsers : users, newRooms != null ? newRooms : rooms,
      newDuration != null ? newDuration : durationSeconds, newRate != null ? newRate : ratePerUser);
  }

  /** Messages the whole run schedules. */
  public long plannedMessages() {
    return (long) Math.floor(users * ratePerUser * durationSeconds);
  }
}
