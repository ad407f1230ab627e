package io.midnight.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of request fields that fail with {@link ErrorCode#INVALID_REQUEST} naming the field. */
public final class Fields {

  /**
   * The address a request came from, as the gateway saw its connection: set by the gateway on sign-ups, batches
   * and logins (over whatever the client sent), read by the user service's throttle.
   */
  public static final String CLIENT_ADDRESS = "clientAddress";

  private Fields() {
  }

  public static long requireLong(JsonObject body, String field) {
    Long value = optionalLong(body, field);
    if (value == null) {
      throw missing(field);
    }
    return value;
  }

  public static Long optionalLong(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException ignored) {
        // falls through to the error below
      }
    }
    throw new ServiceException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be an integer");
  }

  public static String requireString(JsonObject body, String field) {
    String value = optionalString(body, field);
    if (value == null) {
      throw missing(field);
    }
    return value;
  }

  public static String optionalString(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    throw new ServiceException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be a string");
  }

  public static JsonArray requireArray(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      throw missing(field);
    }
    if (value instanceof JsonArray array) {
      return array;
    }
    throw new ServiceException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be an array");
  }

  /** An integer in {@code [1, max]}, or {@code fallback} when absent. */
  public static int limit(JsonObject body, String field, int fallback, int max) {
    Long value = optionalLong(body, field);
    if (value == null) {
      return fallback;
    }
    if (value < 1 || value > max) {
      throw new ServiceException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be between 1 and " + max);
    }
    return value.intValue();
  }

  private static ServiceException missing(String field) {
    return new ServiceException(ErrorCode.INVALID_REQUEST, "missing field '" + field + "'");
  }
}
