package io.midnight.loadtest;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;

/** The few HTTP calls of Midnight's API a run needs: create users, list and create rooms, a room's last seq. */
final class TargetApi {

  private final HttpClient http;
  private final URI target;

  TargetApi(HttpClient http, URI target) {
    this.http = http;
    this.target = target;
  }

  /** Up to 1,000 users in one request; answers {@code [{id, username, token}]}. */
  Future<JsonArray> createUsers(List<String> usernames) {
    JsonArray users = new JsonArray();
    usernames.forEach(u -> users.add(new JsonObject().put("username", u)));
    return call(HttpMethod.POST, "/api/users/batch", null, new JsonObject().put("users", users))
      .map(body -> body.getJsonArray("users"));
  }

  Future<JsonArray> rooms(String token) {
    return call(HttpMethod.GET, "/api/rooms", token, null).map(body -> body.getJsonArray("rooms"));
  }

  Future<JsonObject> createRoom(String token, String name) {
    return call(HttpMethod.POST, "/api/rooms", token, new JsonObject().put("name", name));
  }

  /** The highest seq stored in the room, 0 when it holds none. */
  Future<Long> lastSeq(String token, long roomId) {
    return call(HttpMethod.GET, "/api/rooms/" + roomId + "/messages?limit=1", token, null).map(body -> {
      JsonArray messages = body.getJsonArray("messages");
      return messages.isEmpty() ? 0L : messages.getJsonObject(0).getLong("seq");
    });
  }

  private Future<JsonObject> call(HttpMethod method, String path, String token, JsonObject body) {
    boolean ssl = "https".equals(target.getScheme());
    RequestOptions options = new RequestOptions().setMethod(method).setHost(target.getHost()).setSsl(ssl)
      .setPort(target.getPort() > 0 ? target.getPort() : ssl ? 443 : 80).setURI(path).setTimeout(120_000);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return http.request(options)
      .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
      .compose(response -> response.body().compose(bytes -> {
        if (response.statusCode() / 100 != 2) {
          return Future.failedFuture(method + " " + path + " answered " + response.statusCode() + ": " + bytes);
        }
        return Future.succeededFuture(bytes.length() == 0 ? new JsonObject() : new JsonObject(bytes));
      }));
  }
}
