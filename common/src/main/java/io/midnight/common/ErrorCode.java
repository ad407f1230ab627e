package io.midnight.common;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The errors a client can cause or meet, each with a stable public code and HTTP status (README, "Errors").
 * On the bus an error travels as a {@link ReplyException} whose failure code is {@link #failureCode()}.
 */
public enum ErrorCode {
  INVALID_JSON(400, "invalid_json"),
  INVALID_REQUEST(400, "invalid_request"),
  INVALID_USERNAME(400, "invalid_username"),
  INVALID_PASSWORD(400, "invalid_password"),
  INVALID_TEXT(400, "invalid_text"),
  INVALID_ROOM_NAME(400, "invalid_room_name"),
  INVALID_QUERY(400, "invalid_query"),
  UNAUTHORIZED(401, "unauthorized"),
  TOKEN_EXPIRED(401, "token_expired"),
  INVALID_CREDENTIALS(401, "invalid_credentials"),
  NOT_MEMBER(403, "not_member"),
  NOT_FOUND(404, "not_found"),
  ROOM_NOT_FOUND(404, "room_not_found"),
  USER_NOT_FOUND(404, "user_not_found"),
  USERNAME_TAKEN(409, "username_taken"),
  ROOM_EXISTS(409, "room_exists"),
  TEXT_TOO_LONG(413, "text_too_long"),
  BATCH_TOO_LARGE(413, "batch_too_large"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  RATE_LIMITED(429, "rate_limited"),
  INTERNAL(500, "internal"),
  UNAVAILABLE(503, "unavailable"),
  // Added after the first release: appended so that earlier codes keep their failure codes.
  INVALID_PRESET(400, "invalid_preset"),
  PRESET_NOT_FOUND(404, "preset_not_found"),
  RUN_NOT_FOUND(404, "run_not_found"),
  RUN_IN_PROGRESS(409, "run_in_progress"),
  URI_TOO_LONG(414, "uri_too_long"),
  HEADERS_TOO_LARGE(431, "headers_too_large"),
  FORBIDDEN(403, "forbidden"),
  TARGET_NOT_ALLOWED(403, "target_not_allowed"),
  DISK_FULL(507, "disk_full"),
  UNKNOWN_OUTCOME(503, "unknown_outcome");

  private static final int FAILURE_CODE_BASE = 10_000;
  private static final String RETRY_AFTER = " (retry after ";

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The event-bus failure code; stable because it is derived from the status and the code's position. */
  public int failureCode() {
    return FAILURE_CODE_BASE + ordinal();
  }

  public ReplyException exception(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failureCode(), message);
  }

  public <T> Future<T> failed(String message) {
    return io.vertx.core.Future.failedFuture(exception(message));
  }

  public void fail(Message<?> message, String humanMessage) {
    message.fail(failureCode(), humanMessage);
  }

  /**
   * A refusal that says when to come back. The wait travels on the bus at the end of the message
   * ({@code " (retry after N ms)"}: a bus failure carries only a code and a message) and {@link #toJson} lifts it
   * into {@code retryAfterMs}.
   */
  public ServiceException refusal(String message, long retryAfterMs) {
    return new ServiceException(this, message + RETRY_AFTER + Math.max(1, retryAfterMs) + " ms)");
  }

  /** The wait a {@link #refusal} message carries, in ms, or -1 when it carries none. */
  public static long retryAfterMillis(String message) {
    int at = message == null ? -1 : message.lastIndexOf(RETRY_AFTER);
    if (at < 0 || !message.endsWith(" ms)")) {
      return -1;
    }
    try {
      return Long.parseLong(message.substring(at + RETRY_AFTER.length(), message.length() - 4));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code {"error": {"code", "message"[, "retryAfterMs"]}}}, the public error shape. */
  public JsonObject toJson(String message) {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    long retry = retryAfterMillis(message);
    if (retry >= 0) {
      error.put("retryAfterMs", retry);
    }
    return new JsonObject().put("error", error);
  }

  /** The code a failure stands for: ours when it is a {@link ReplyException} we raised, else unavailable/internal. */
  public static ErrorCode of(Throwable failure) {
    if (failure instanceof ServiceException service) {
      return service.code();
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        int index = reply.failureCode() - FAILURE_CODE_BASE;
        ErrorCode[] all = values();
        return index >= 0 && index < all.length ? all[index] : INTERNAL;
      }
      return UNAVAILABLE; // timeout or no handler: the service is not there right now, a retry may succeed
    }
    return INTERNAL;
  }

  /** The code whose public name is {@code code}, or {@link #INTERNAL} for one this version does not know. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode candidate : values()) {
      if (candidate.code.equals(code)) {
        return candidate;
      }
    }
    return INTERNAL;
  }

  /** The human message of a failure, safe to show to a client. */
  public static String messageOf(Throwable failure) {
    ErrorCode code = of(failure);
    if (code == INTERNAL) {
      return "internal error";
    }
    if (failure instanceof ReplyException reply && reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return "service unavailable, retry later (" + reply.failureType().name().toLowerCase() + ")";
    }
    return failure.getMessage();
  }

  /** Answers {@code message} with the failure, keeping our code when there is one. */
  public static void reply(Message<?> message, Throwable failure) {
    of(failure).fail(message, messageOf(failure));
  }
}
