package io.midnight.app;

import io.midnight.common.auth.OperatorKey;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, the dashboard and its event stream are for operators: open to loopback clients by default, and with
 * {@code auth.operatorOpenOnLoopback} false only to the operator key (a bearer header, as a Prometheus scrape
 * config sends it, or {@code ?key=} where a browser cannot send a header).
 */
class OperatorEndpointsTest {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  static int status(int port, String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    // the event stream never ends: its status line is all this needs, so the body is left unread
    HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    response.body().close();
    return response.statusCode();
  }

  @Test
  void openToLoopbackByDefaultAndTheKeyIsGeneratedOwnerOnly() throws Exception {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      assertThat(status(midnight.port, "/metrics", null)).isEqualTo(200);
      assertThat(status(midnight.port, "/dashboard", null)).isEqualTo(200);
      Path key = dir.resolve(OperatorKey.FILE_NAME);
      assertThat(key).isRegularFile();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
      assertThat(Files.readString(key).trim()).hasSizeGreaterThanOrEqualTo(40);
    }
  }

  @Test
  void closedToLoopbackTheyNeedTheKey() throws Exception {
    String key = "a-key-only-the-operator-knows";
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject().put("auth", new JsonObject()
      .put("operatorKey", key).put("operatorOpenOnLoopback", false)))) {
      int port = midnight.port;
      String userToken = midnight.api.user("not_an_operator").getString("token");
      for (String path : new String[] {"/metrics", "/dashboard", "/api/dashboard/stream"}) {
        assertThat(status(port, path, null)).as(path + " without a key").isEqualTo(401);
        assertThat(status(port, path, "a-wrong-key-of-the-same-size")).as(path + " with a wrong key").isEqualTo(401);
        assertThat(status(port, path, userToken)).as(path + " with a user's token").isEqualTo(401);
      }
      Api.Reply refused = midnight.api.get("/metrics", null);
      assertThat(refused.errorCode()).isEqualTo("unauthorized");
      assertThat(refused.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
        assertThat(v).startsWith("Bearer"));

      assertThat(status(port, "/metrics", key)).isEqualTo(200);
      assertThat(midnight.api.get("/metrics", key).raw().body()).contains("midnight_");
      assertThat(status(port, "/dashboard?key=" + key, null)).as("the page, key in the query").isEqualTo(200);
      assertThat(status(port, "/api/dashboard/stream?key=" + key, null)).as("its stream, same key").isEqualTo(200);
      assertThat(midnight.api.get("/api/rooms", key).errorCode()).as("the key is no user's token")
        .isEqualTo("unauthorized");
    }
  }
}
