package io.midnight.loadtest;

import io.midnight.common.RetryAfter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A Midnight server, through the few calls of its HTTP API a run needs: users in batches of 1,000, the server's
 * rooms (its New Year rooms first, more created when the run wants more), and a room's last seq. A call the server
 * refuses for now (503 or 429 naming a wait: {@code Retry-After} or {@code retryAfterMs}) is made again after that
 * wait, a few times: the overload bound refuses before doing anything, so a refused POST is safe to repeat.
 */
final class TargetApi implements Target {

  private static final int USER_BATCH = 1_000;
  /** Calls of one request while the server keeps naming a wait. */
  private static final int REFUSED_CALLS = 10;

  private final Vertx vertx;
  private final HttpClient http;
  private final URI target;
  private final String runId;
  private String anyToken;

  TargetApi(Vertx vertx, HttpClient http, URI target, String runId) {
    this.vertx = vertx;
    this.http = http;
    this.target = target;
    this.runId = runId;
  }

  @Override
  public String describe() {
    return "a Midnight server: users through its batch API, the store checked against the acks";
  }

  @Override
  public Future<List<String>> users(List<String> names) {
    List<String> tokens = new ArrayList<>(names.size());
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < names.size(); from += USER_BATCH) {
      List<String> batch = names.subList(from, Math.min(names.size(), from + USER_BATCH));
      chain = chain.compose(v -> {
        JsonArray users = new JsonArray();
        batch.forEach(u -> users.add(new JsonObject().put("username", u)));
        return call(HttpMethod.POST, "/api/users/batch", null, new JsonObject().put("users", users))
          .map(body -> {
            body.getJsonArray("users").forEach(u -> tokens.add(((JsonObject) u).getString("token")));
            return null;
          });
      });
    }
    return chain.map(v -> {
      anyToken = tokens.get(0);
      return tokens;
    });
  }

  /** The first {@code count} rooms of the server, creating more when it has fewer; needs {@link #users} first. */
  @Override
  public Future<List<RoomLedger>> rooms(int count) {
    return call(HttpMethod.GET, "/api/rooms", anyToken, null).compose(body -> {
      List<JsonObject> chosen = new ArrayList<>();
      body.getJsonArray("rooms").stream().map(JsonObject.class::cast).limit(count).forEach(chosen::add);
      Future<Void> created = Future.succeededFuture();
      for (int n = chosen.size(); n < count; n++) {
        String name = "🎆 Load " + runId + " #" + (n + 1);
        created = created.compose(v -> call(HttpMethod.POST, "/api/rooms", anyToken, new JsonObject().put("name", name))
          .map(room -> {
            chosen.add(room);
            return null;
          }));
      }
      return created.map(v -> chosen);
    }).compose(chosen -> {
      List<RoomLedger> rooms = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject room : chosen) {
        long id = room.getLong("id");
        chain = chain.compose(v -> lastSeq(id).map(last -> {
          rooms.add(new RoomLedger(id, room.getString("name"), last));
          return null;
        }));
      }
      return chain.map(v -> rooms);
    });
  }

  @Override
  public Future<Long> lastSeq(RoomLedger room) {
    return lastSeq(room.roomId);
  }

  /** The highest seq stored in the room, 0 when it holds none. */
  private Future<Long> lastSeq(long roomId) {
    return call(HttpMethod.GET, "/api/rooms/" + roomId + "/messages?limit=1", anyToken, null).map(body -> {
      JsonArray messages = body.getJsonArray("messages");
      return messages.isEmpty() ? 0L : messages.getJsonObject(0).getLong("seq");
    });
  }

  private Future<JsonObject> call(HttpMethod method, String path, String token, JsonObject body) {
    return call(method, path, token, body, 1);
  }

  private Future<JsonObject> call(HttpMethod method, String path, String token, JsonObject body, int callNumber) {
    RequestOptions options = Target.request(target, method, path).setTimeout(120_000);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return http.request(options)
      .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
      .compose(response -> response.body().compose(bytes -> {
        long waitMs = retryAfterMillis(response, bytes.toString());
        if (waitMs >= 0 && callNumber < REFUSED_CALLS) {
          Promise<JsonObject> again = Promise.promise();
          vertx.setTimer(RetryAfter.delayMillis(waitMs),
            t -> call(method, path, token, body, callNumber + 1).onComplete(again));
          return again.future();
        }
        if (response.statusCode() / 100 != 2) {
          return Future.failedFuture(method + " " + path + " answered " + response.statusCode() + ": " + bytes);
        }
        return Future.succeededFuture(bytes.length() == 0 ? new JsonObject() : new JsonObject(bytes));
      }));
  }

  /** The wait a 503 or 429 names, in ms ({@code retryAfterMs} of the error body, else {@code Retry-After}), or -1. */
  static long retryAfterMillis(HttpClientResponse response, String body) {
    return retryAfterMillis(response.statusCode(), response.getHeader("Retry-After"), body);
  }

  static long retryAfterMillis(int status, String retryAfterHeader, String body) {
    if (status != 503 && status != 429) {
      return -1;
    }
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null && error.getValue("retryAfterMs") instanceof Number ms) {
        return Math.max(0, ms.longValue());
      }
    } catch (RuntimeException notJson) {
      // the header may still say
    }
    try {
      return retryAfterHeader == null ? -1 : Math.max(0, Long.parseLong(retryAfterHeader.trim()) * 1_000);
    } catch (NumberFormatException httpDate) {
      return -1; // an HTTP date: not what Midnight sends
    }
  }
}
