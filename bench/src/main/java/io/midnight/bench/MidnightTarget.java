package io.midnight.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Midnight as a fan-out target: {@code midnight serve} in its own JVM on a loopback port and a temporary data
 * directory, with the per-user rate limit raised out of the way (a config file); then {@code conns} guest users
 * made through {@code POST /api/users/batch} and, beyond the New Year rooms, {@code bench-N} rooms made through
 * {@code POST /api/rooms}.
 */
final class MidnightTarget {

  private static final int USERS_PER_BATCH = 1_000;

  private MidnightTarget() {
  }

  static FanoutTarget start(Vertx vertx, Path dir, FanoutOptions options) throws IOException, InterruptedException {
    Path config = dir.resolve("midnight-bench.json");
    Files.writeString(config, new JsonObject().put("messages", new JsonObject().put("ratePerSecond", 1_000_000.0)
      .put("burst", 1_000_000)).encodePrettily());
    int port = TargetProcess.freePort();
    List<String> command = TargetProcess.midnightCommand(options.serverJavaOptions(), List.of("serve",
      "--host", "127.0.0.1", "--port", Integer.toString(port), "--data", dir.resolve("midnight-data").toString(),
      "--config", config.toString(), "--exit-with-parent", "--remove-data-on-exit"));
    TargetProcess process = TargetProcess.start("Midnight", command, null, Map.of(), dir.resolve("midnight.log"),
      port);
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(2));
    try {
      long t0 = System.nanoTime();
      List<String> tokens = users(http, options.conns());
      List<Integer> roomIds = rooms(http, tokens.get(0), options.rooms());
      System.out.printf("  Midnight: %,d users and %d rooms ready in %.1f s%n", options.conns(), options.rooms(),
        (System.nanoTime() - t0) / 1e9);
      return new FanoutTarget("Midnight", port, tokens, roomIds, process);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    } finally {
      http.close().await();
    }
  }

  private static List<String> users(HttpClient http, int conns) {
    List<String> tokens = new ArrayList<>(conns);
    for (int first = 1; first <= conns; first += USERS_PER_BATCH) {
      JsonArray batch = new JsonArray();
      for (int i = first; i < first + USERS_PER_BATCH && i <= conns; i++) {
        batch.add(new JsonObject().put("username", String.format("b%05d", i)));
      }
      JsonObject created = call(http, HttpMethod.POST, "/api/users/batch", null,
        new JsonObject().put("users", batch), 201);
      created.getJsonArray("users").forEach(u -> tokens.add(((JsonObject) u).getString("token")));
    }
    return tokens;
  }

  /** The first {@code count} existing rooms, then as many new {@code bench-N} rooms as are still missing. */
  private static List<Integer> rooms(HttpClient http, String token, int count) {
    List<Integer> ids = new ArrayList<>();
    JsonArray existing = call(http, HttpMethod.GET, "/api/rooms", token, null, 200).getJsonArray("rooms");
    for (int i = 0; i < existing.size() && ids.size() < count; i++) {
      ids.add(existing.getJsonObject(i).getInteger("id"));
    }
    for (int n = ids.size() + 1; ids.size() < count; n++) {
      ids.add(call(http, HttpMethod.POST, "/api/rooms", token, new JsonObject().put("name", "bench-" + n), 201)
        .getInteger("id"));
    }
    return ids;
  }

  private static JsonObject call(HttpClient http, HttpMethod method, String uri, String token, JsonObject body,
                                 int expected) {
    return http.request(new RequestOptions().setMethod(method).setURI(uri).setTimeout(60_000))
      .compose(req -> {
        if (token != null) {
          req.putHeader("Authorization", "Bearer " + token);
        }
        req.putHeader("Content-Type", "application/json");
        return body == null ? req.send() : req.send(body.toBuffer());
      })
      .compose(resp -> resp.body().map(b -> {
        if (resp.statusCode() != expected) {
          throw new IllegalStateException(method + " " + uri + " answered " + resp.statusCode() + ": " + b);
        }
        return new JsonObject(b);
      }))
      .await();
  }
}
