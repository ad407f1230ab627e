package io.midnight.app;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client against a running Midnight (JDK's HttpClient; thread-safe). */
final class Api {

  /** A status and a JSON body. */
  record Reply(int status, JsonObject body, HttpResponse<String> raw) {

    String errorCode() {
      JsonObject error = body.getJsonObject("error");
      return error == null ? null : error.getString("code");
    }
  }

  /** HTTP/1.1: the JDK's default h2c upgrade header makes Node's http server treat each request as an upgrade. */
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  Reply get(String path, String token) {
    return send(builder(path, token).GET());
  }

  Reply post(String path, String token, String body) {
    return send(builder(path, token).POST(HttpRequest.BodyPublishers.ofString(body))
      .header("Content-Type", "application/json"));
  }

  Reply post(String path, String token, JsonObject body) {
    return post(path, token, body.encode());
  }

  Reply put(String path, String token, JsonObject body) {
    return send(builder(path, token).PUT(HttpRequest.BodyPublishers.ofString(body.encode()))
      .header("Content-Type", "application/json"));
  }

  Reply delete(String path, String token) {
    return send(builder(path, token).DELETE());
  }

  private HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      boolean json = response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
      // a body that is not JSON (the metrics text) is read from raw()
      return new Reply(response.statusCode(), text.isEmpty() || !json ? new JsonObject() : new JsonObject(text),
        response);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a guest user; returns {@code {id, username, token}}. */
  JsonObject user(String username) {
    Reply reply = post("/api/users", null, new JsonObject().put("username", username));
    if (reply.status() != 201) {
      throw new AssertionError("creating " + username + ": " + reply.status() + " " + reply.body());
    }
    return reply.body();
  }
}
