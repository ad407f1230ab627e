package io.midnight.users;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The seed's {@code NEW_YEAR_ROOMS}, created on first start with the stable ids 1..8. */
public final class NewYearRooms {

  public static final List<String> NAMES = List.of(
    "🎉 New Year Celebration Central",
    "🥳 Midnight Countdown Party",
    "✨ Wishes & Resolutions",
    "🎊 Global New Year Party",
    "🌟 2024 Welcome Committee",
    "🎆 Fireworks & Fun",
    "💫 New Beginnings Chat",
    "🎁 New Year Blessings");

  private NewYearRooms() {
  }

  static JsonArray seed() {
    JsonArray rooms = new JsonArray();
    for (int i = 0; i < NAMES.size(); i++) {
      rooms.add(new JsonObject().put("id", i + 1).put("name", NAMES.get(i)));
    }
    return rooms;
  }
}
