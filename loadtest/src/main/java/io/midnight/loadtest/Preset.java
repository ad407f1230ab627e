package io.midnight.loadtest;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A named load shape: how many users in how many rooms, for how long, each sending {@code ratePerUser} messages a
 * second. The six of the seed's menu keep its names and sizes (README, "Load test"). A {@link Kind#CONNECTIONS} run
 * sends nothing: it connects, holds the connections for the duration, and disconnects.
 */
public record Preset(String name, Kind kind, int users, int rooms, int durationSeconds, double ratePerUser) {

  /** What a run does once its users are in. */
  public enum Kind { CHAT, CONNECTIONS, MIDNIGHT }

  /** Declared first: the constants below are checked against it as they are built. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  public static final double DEFAULT_RATE_PER_USER = 0.5;

  /** The connection test of the menu (8): connect, hold, disconnect; no messages. */
  public static final Preset CONNECTIONS = new Preset("connections", Kind.CONNECTIONS, 1_000, 10, 30,
    DEFAULT_RATE_PER_USER);

  /**
   * The midnight countdown of the menu (9): users chat at a low base rate, a countdown runs, and at 00:00 every
   * user sends its {@link Countdown#greetings()} within the burst window.
   */
  public static final Preset MIDNIGHT = new Preset("midnight", Kind.MIDNIGHT, 1_000, 10, 40, 0.2);

  public Preset(String name, int users, int rooms, int durationSeconds, double ratePerUser) {
    this(name, Kind.CHAT, users, rooms, durationSeconds, ratePerUser);
  }

  /**
   * The seed's six. Every message reaches every member of its room, so deliveries grow with users squared over
   * rooms: the bigger presets send less per user to keep fan-out (users x rate x users / rooms deliveries a
   * second) within what one machine serves, from 45/s (quick) to ~14,000/s (ultra). {@code --rate} raises it.
   */
  public static final List<Preset> CATALOG = List.of(
    new Preset("quick", 30, 10, 30, DEFAULT_RATE_PER_USER),
    new Preset("medium", 100, 15, 60, DEFAULT_RATE_PER_USER),
    new Preset("strong", 500, 20, 120, 0.2),
    new Preset("extreme", 1_000, 25, 180, 0.1),
    new Preset("mega", 5_000, 30, 300, 0.01),
    new Preset("ultra", 10_000, 35, 600, 0.005));

  /** Every preset that ships: the six of the seed's menu, then the connection test and the midnight burst. */
  public static final List<Preset> BUILT_IN = Stream.concat(CATALOG.stream(), Stream.of(CONNECTIONS, MIDNIGHT)).toList();

  public Preset {
    if (users < 1 || users > 1_000_000 || rooms < 1 || durationSeconds < 1 || durationSeconds > 86_400
      || !(ratePerUser > 0) || ratePerUser > 20) {
      throw new IllegalArgumentException("a preset needs 1 to 1,000,000 users, rooms >= 1, a duration of 1 s to 24 h "
        + "and a rate per user in (0, 20] msgs/s; got users " + users + ", rooms " + rooms + ", duration " + durationSeconds
        + " s, rate " + ratePerUser);
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a preset name is 1 to 32 of a-z, 0-9 and '-', starting with a letter or "
        + "digit; got '" + name + "'");
    }
    if (rooms > users) {
      throw new IllegalArgumentException("more rooms (" + rooms + ") than users (" + users + "): some rooms would be empty");
    }
  }

  /** The built-in preset of that name, in any case. */
  public static Optional<Preset> named(String name) {
    return BUILT_IN.stream().filter(p -> p.name.equalsIgnoreCase(name)).findFirst();
  }

  /**
   * This preset with the given fields changed. A midnight run given other users or rooms but no rate keeps its base
   * fan-out (users x rate x members per room deliveries a second) instead of its rate per user: 0.2 msgs/s per user
   * in rooms of 100 is 20,000 deliveries/s, the same rate in rooms of 286 would be 572,000, the chatter before
   * 00:00 would bury the burst.
   */
  public Preset with(Integer newUsers, Integer newRooms, Integer newDuration, Double newRate) {
    int u = newUsers != null ? newUsers : users;
    int r = newRooms != null ? newRooms : rooms;
    double rate = newRate != null ? newRate : ratePerUser;
    if (kind == Kind.MIDNIGHT && newRate == null && (u != users || r != rooms) && u >= r && r >= 1) {
      double scaled = deliveriesPerSecond() / (u * ((double) u / r));
      rate = Math.min(20, new BigDecimal(scaled).round(new MathContext(2)).doubleValue());
    }
    return new Preset(name, kind, u, r, newDuration != null ? newDuration : durationSeconds, rate);
  }

  /** Deliveries a second the preset asks for: every message reaches every member of its room. */
  public double deliveriesPerSecond() {
    return users * ratePerUser * ((double) users / rooms);
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("kind", kind.name().toLowerCase(Locale.ROOT)).put("users", users)
      .put("rooms", rooms).put("durationSeconds", durationSeconds).put("ratePerUser", ratePerUser);
  }

  /**
   * {@code base} with the fields {@code json} sets ({@code users, rooms, durationSeconds, ratePerUser, kind}); a
   * field of the wrong type or a value out of range is an {@link IllegalArgumentException} that names it.
   */
  public static Preset fromJson(String name, Preset base, JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!List.of("name", "kind", "users", "rooms", "durationSeconds", "ratePerUser").contains(field)) {
        throw new IllegalArgumentException("unknown preset field '" + field
          + "'; a preset has kind, users, rooms, durationSeconds and ratePerUser");
      }
    }
    if (json.containsKey("name") && !name.equals(json.getValue("name"))) {
      throw new IllegalArgumentException("the body names preset '" + json.getValue("name") + "' but the path '" + name + "'");
    }
    Kind kind = base.kind;
    if (json.containsKey("kind")) {
      Object value = json.getValue("kind");
      kind = Arrays.stream(Kind.values()).filter(k -> k.name().equalsIgnoreCase(String.valueOf(value)))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("kind must be chat, connections or midnight; got "
          + value));
    }
    return new Preset(name, kind, integer(json, "users", base.users), integer(json, "rooms", base.rooms),
      integer(json, "durationSeconds", base.durationSeconds), number(json, "ratePerUser", base.ratePerUser));
  }

  private static int integer(JsonObject json, String field, int fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > 1e9) {
      throw new IllegalArgumentException(field + " must be a whole number; got " + value);
    }
    return n.intValue();
  }

  private static double number(JsonObject json, String field, double fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(field + " must be a number; got " + value);
    }
    return n.doubleValue();
  }

}
