package io.midnight.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;

/**
 * What a run needs from the server beyond Socket.IO: users with tokens, rooms with their last seq before the run,
 * and, after it, how many messages each room stored. A Midnight server answers all three through its API
 * ({@link TargetApi}); any other Socket.IO chat server ({@link PlainTarget}) gets made-up users, fresh rooms, and
 * no store check.
 */
interface Target {

  /** One token per name (the query's {@code token}). */
  Future<List<String>> users(List<String> names);

  /** {@code count} rooms for this run, each with its last seq before the run. */
  Future<List<RoomLedger>> rooms(int count);

  /** The room's last stored seq now, or null when the server cannot say. */
  Future<Long> lastSeq(RoomLedger room);

  /** A line for the start of the run: what kind of server this is. */
  String describe();

  /** An HTTP request to {@code path} on the server of {@code uri} (its port, or the scheme's). */
  static RequestOptions request(URI uri, HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setHost(uri.getHost()).setPort(port(uri)).setSsl(ssl(uri))
      .setURI(path);
  }

  static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : ssl(uri) ? 443 : 80;
  }

  static boolean ssl(URI uri) {
    return "https".equals(uri.getScheme());
  }

  /**
   * Midnight when {@code GET /api/rooms} without a token answers Midnight's 401 {@code unauthorized} error; any
   * other answer, or none, means a plain Socket.IO server.
   */
  static Future<Target> detect(Vertx vertx, HttpClient http, URI uri, String runId) {
    return http.request(request(uri, HttpMethod.GET, "/api/rooms").setTimeout(10_000))
      .compose(request -> request.send())
      .compose(response -> response.body().map(body -> {
        if (response.statusCode() == 401) {
          try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            if (error != null && "unauthorized".equals(error.getString("code"))) {
              return (Target) new TargetApi(vertx, http, uri, runId);
            }
          } catch (RuntimeException notJson) {
            // not Midnight
          }
        }
        return (Target) new PlainTarget(runId);
      }))
      .recover(e -> Future.failedFuture("cannot reach " + uri + ": " + e.getMessage()));
  }
}
