package io.midnight.app;

import io.midnight.loadtest.api.PresetStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load tool's config API over real HTTP on the all-in-one node: presets are validated, saved durably and
 * still there after a restart, built-ins are read-only; only the operator saves presets and starts or stops runs,
 * and only against this node; a run started over HTTP is watched to its verified report and can be stopped.
 */
class LoadTestApiTest {

  static final String KEY = "the-operator-key-of-this-test";
  static final JsonObject OPERATOR = new JsonObject().put("auth", new JsonObject().put("operatorKey", KEY));

  @TempDir
  Path dir;

  @Test
  void presetsAreValidatedAndSurviveARestart() throws Exception {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, OPERATOR)) {
      Api api = midnight.api;
      String token = api.user("a_user").getString("token");

      assertThat(api.get("/api/loadtest/presets", null).status()).as("the API needs a token").isEqualTo(401);
      JsonArray presets = api.get("/api/loadtest/presets", token).body().getJsonArray("presets");
      assertThat(presets.stream().map(p -> ((JsonObject) p).getString("name")))
        .containsExactly("quick", "medium", "strong", "extreme", "mega", "ultra", "connections", "midnight");
      assertThat(preset(presets, "ultra").getInteger("users")).isEqualTo(10_000);
      assertThat(api.get("/api/loadtest/presets", KEY).status()).as("the operator reads them too").isEqualTo(200);

      Api.Reply guest = api.put("/api/loadtest/presets/tiny", token, tiny());
      assertThat(guest.status()).as("a signed-in user may not save presets").isEqualTo(403);
      assertThat(guest.errorCode()).isEqualTo("forbidden");
      Api.Reply builtIn = api.put("/api/loadtest/presets/quick", KEY, new JsonObject().put("durationSeconds", 5));
      assertThat(builtIn.status()).isEqualTo(403);
      assertThat(builtIn.body().getJsonObject("error").getString("message")).contains("read-only", "copyOf");
      assertThat(api.put("/api/loadtest/presets/tiny", KEY, tiny()).status()).isEqualTo(200);

      Api.Reply bad = api.put("/api/loadtest/presets/tiny", KEY, new JsonObject().put("users", 0));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.errorCode()).isEqualTo("invalid_preset");
      assertThat(bad.body().getJsonObject("error").getString("message")).contains("users 0");
      assertThat(api.put("/api/loadtest/presets/tiny", KEY, new JsonObject().put("users", "many")).body()
        .getJsonObject("error").getString("message")).isEqualTo("users must be a whole number; got many");
      assertThat(api.put("/api/loadtest/presets/tiny", KEY, new JsonObject().put("speed", 3)).errorCode())
        .isEqualTo("invalid_preset");
      assertThat(api.put("/api/loadtest/presets/Bad%20Name", KEY, tiny()).errorCode()).isEqualTo("invalid_preset");
      assertThat(api.put("/api/loadtest/presets/half", KEY, new JsonObject().put("users", 3)).body()
        .getJsonObject("error").getString("message")).contains("missing");
      assertThat(api.put("/api/loadtest/presets/copy", KEY, new JsonObject().put("copyOf", "nope")).errorCode())
        .isEqualTo("invalid_preset");

      Api.Reply copied = api.put("/api/loadtest/presets/quick-5s", KEY, new JsonObject().put("copyOf", "quick")
        .put("durationSeconds", 5));
      assertThat(copied.status()).isEqualTo(200);
      assertThat(copied.body().getInteger("users")).as("the copy keeps what it does not change").isEqualTo(30);
    }
    assertThat(Files.readString(dir.resolve(PresetStore.FILE))).contains("tiny", "quick-5s");

    try (InProcessMidnight restarted = new InProcessMidnight(dir, OPERATOR)) {
      JsonArray presets = restarted.api.get("/api/loadtest/presets", KEY).body().getJsonArray("presets");
      assertThat(preset(presets, "quick-5s").getInteger("durationSeconds")).isEqualTo(5);
      assertThat(preset(presets, "quick").getInteger("durationSeconds")).as("the built-in is untouched").isEqualTo(30);
      assertThat(preset(presets, "tiny").getInteger("users")).isEqualTo(6);
      assertThat(preset(presets, "tiny").getBoolean("builtIn")).isFalse();
    }
  }

  @Test
  void aBuiltInEditedBeforeBuiltInsWereReadOnlyIsKeptAsACopy() throws Exception {
    Files.writeString(dir.resolve(PresetStore.FILE), new JsonObject().put("presets", new JsonArray()
      .add(new JsonObject().put("name", "quick").put("durationSeconds", 7))).encode());
    try (InProcessMidnight midnight = new InProcessMidnight(dir, OPERATOR)) {
      JsonArray presets = midnight.api.get("/api/loadtest/presets", KEY).body().getJsonArray("presets");
      assertThat(preset(presets, "quick").getInteger("durationSeconds")).isEqualTo(30);
      assertThat(preset(presets, "quick-saved").getInteger("durationSeconds")).isEqualTo(7);
      assertThat(preset(presets, "quick-saved").getBoolean("builtIn")).isFalse();
    }
  }

  @Test
  void aRunStartedOverHttpEndsVerifiedAndCanBeStopped() throws Exception {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, OPERATOR)) {
      Api api = midnight.api;
      String token = api.user("a_user").getString("token");
      api.put("/api/loadtest/presets/tiny", KEY, tiny());
      Api.Reply guest = api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny"));
      assertThat(guest.status()).as("a signed-in user may not start runs").isEqualTo(403);
      assertThat(guest.errorCode()).isEqualTo("forbidden");
      Api.Reply elsewhere = api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny")
        .put("target", "http://10.1.2.3:4000"));
      assertThat(elsewhere.status()).as("a run goes to this node or an allowed target only").isEqualTo(403);
      assertThat(elsewhere.errorCode()).isEqualTo("target_not_allowed");

      assertThat(api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "nope")).errorCode())
        .isEqualTo("preset_not_found");
      assertThat(api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny").put("speed", 1))
        .errorCode()).isEqualTo("invalid_request");
      assertThat(api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny").put("users", -1))
        .errorCode()).isEqualTo("invalid_request");
      assertThat(api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny")
        .put("target", "ftp://x")).errorCode()).isEqualTo("invalid_request");
      assertThat(api.get("/api/loadtest/runs/zzz", token).errorCode()).isEqualTo("run_not_found");

      Api.Reply started = api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny"));
      assertThat(started.status()).isEqualTo(202);
      String id = started.body().getString("id");
      assertThat(api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny")).errorCode())
        .as("one run at a time").isEqualTo("run_in_progress");
      JsonObject finished = waitFor(api, token, id, run -> !run.getString("state").equals("running"));
      assertThat(finished.getString("state")).isEqualTo("finished");
      JsonObject verification = finished.getJsonObject("report").getJsonObject("verification");
      assertThat(verification.getString("verdict")).isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
      assertThat(verification.getLong("acked")).isEqualTo(verification.getLong("sent")).isEqualTo(18)
        .isEqualTo(verification.getLong("stored"));
      assertThat(Path.of(finished.getString("reportDir")).resolve("report.html")).isRegularFile();
      assertThat(finished.getJsonArray("log").encode()).contains("tiny");

      String longRun = api.post("/api/loadtest/runs", KEY, new JsonObject().put("preset", "tiny")
        .put("durationSeconds", 120)).body().getString("id");
      waitFor(api, token, longRun, run -> run.getJsonObject("progress").getLong("sent", 0L) > 0);
      Api.Reply stopping = api.delete("/api/loadtest/runs/" + longRun, KEY);
      assertThat(stopping.status()).isEqualTo(202);
      assertThat(stopping.body().getString("state")).isEqualTo("stopping");
      JsonObject stopped = waitFor(api, token, longRun, run -> !run.getString("state").equals("stopping"));
      assertThat(stopped.getString("state")).isEqualTo("stopped");
      JsonObject stoppedCheck = stopped.getJsonObject("report").getJsonObject("verification");
      assertThat(stoppedCheck.getString("verdict")).as("what was sent before the stop is verified").startsWith("verified");
      assertThat(stoppedCheck.getLong("sent")).isPositive().isLessThan(6 * 120);
      assertThat(api.get("/api/loadtest/runs", token).body().getJsonArray("runs")).hasSize(2);
    }
  }

  private static JsonObject tiny() {
    return new JsonObject().put("users", 6).put("rooms", 2).put("durationSeconds", 3).put("ratePerUser", 1.0);
  }

  private static JsonObject preset(JsonArray presets, String name) {
    return presets.stream().map(JsonObject.class::cast).filter(p -> p.getString("name").equals(name)).findFirst()
      .orElseThrow();
  }

  private static JsonObject waitFor(Api api, String token, String id, Predicate<JsonObject> done) {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).alias("run " + id)
      .until(() -> api.get("/api/loadtest/runs/" + id, token).body(), done);
  }
}
