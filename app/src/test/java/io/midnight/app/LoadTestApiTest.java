package io.midnight.app;

import io.midnight.loadtest.api.PresetStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool's config API over real HTTP on the all-in-one node: presets are validated, saved durably and
 * still there after a restart; a run started over HTTP is watched to its verified report and can be stopped.
 */
class LoadTestApiTest {

  @TempDir
  Path dir;

  @Test
  void presetsAreValidatedAndSurviveARestart() throws Exception {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Api api = midnight.api;
      String token = api.user("operator").getString("token");

      assertThat(api.get("/api/loadtest/presets", null).status()).as("the API needs a token").isEqualTo(401);
      JsonArray presets = api.get("/api/loadtest/presets", token).body().getJsonArray("presets");
      assertThat(presets.stream().map(p -> ((JsonObject) p).getString("name")))
        .containsExactly("quick", "medium", "strong", "extreme", "mega", "ultra", "connections", "midnight");
      assertThat(preset(presets, "ultra").getInteger("users")).isEqualTo(10_000);

      Api.Reply bad = api.put("/api/loadtest/presets/quick", token, new JsonObject().put("users", 0));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.errorCode()).isEqualTo("invalid_preset");
      assertThat(bad.body().getJsonObject("error").getString("message")).contains("users 0");
      assertThat(api.put("/api/loadtest/presets/quick", token, new JsonObject().put("users", "many")).body()
        .getJsonObject("error").getString("message")).isEqualTo("users must be a whole number; got many");
      assertThat(api.put("/api/loadtest/presets/quick", token, new JsonObject().put("speed", 3)).errorCode())
        .isEqualTo("invalid_preset");
      assertThat(api.put("/api/loadtest/presets/Bad%20Name", token, new JsonObject().put("users", 3)
        .put("rooms", 1).put("durationSeconds", 1).put("ratePerUser", 1)).errorCode()).isEqualTo("invalid_preset");
      assertThat(api.put("/api/loadtest/presets/half", token, new JsonObject().put("users", 3)).body()
        .getJsonObject("error").getString("message")).contains("missing");

      Api.Reply edited = api.put("/api/loadtest/presets/quick", token, new JsonObject().put("durationSeconds", 5));
      assertThat(edited.status()).isEqualTo(200);
      assertThat(edited.body().getInteger("users")).as("untouched fields stay").isEqualTo(30);
      assertThat(api.put("/api/loadtest/presets/tiny", token, tiny()).status()).isEqualTo(200);
    }
    assertThat(Files.readString(dir.resolve(PresetStore.FILE))).contains("tiny");

    try (InProcessMidnight restarted = new InProcessMidnight(dir, new JsonObject())) {
      String token = restarted.api.user("operator2").getString("token");
      JsonArray presets = restarted.api.get("/api/loadtest/presets", token).body().getJsonArray("presets");
      assertThat(preset(presets, "quick").getInteger("durationSeconds")).isEqualTo(5);
      assertThat(preset(presets, "tiny").getInteger("users")).isEqualTo(6);
      assertThat(preset(presets, "tiny").getBoolean("builtIn")).isFalse();
    }
  }

  @Test
  void aRunStartedOverHttpEndsVerifiedAndCanBeStopped() throws Exception {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Api api = midnight.api;
      String token = api.user("operator").getString("token");
      api.put("/api/loadtest/presets/tiny", token, tiny());

      assertThat(api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "nope")).errorCode())
        .isEqualTo("preset_not_found");
      assertThat(api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny").put("speed", 1))
        .errorCode()).isEqualTo("invalid_request");
      assertThat(api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny").put("users", -1))
        .errorCode()).isEqualTo("invalid_request");
      assertThat(api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny")
        .put("target", "ftp://x")).errorCode()).isEqualTo("invalid_request");
      assertThat(api.get("/api/loadtest/runs/zzz", token).errorCode()).isEqualTo("run_not_found");

      Api.Reply started = api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny"));
      assertThat(started.status()).isEqualTo(202);
      String id = started.body().getString("id");
      assertThat(api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny")).errorCode())
        .as("one run at a time").isEqualTo("run_in_progress");
      JsonObject finished = waitFor(api, token, id, run -> !run.getString("state").equals("running"));
      assertThat(finished.getString("state")).isEqualTo("finished");
      JsonObject verification = finished.getJsonObject("report").getJsonObject("verification");
      assertThat(verification.getString("verdict")).isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
      assertThat(verification.getLong("acked")).isEqualTo(verification.getLong("sent")).isEqualTo(18)
        .isEqualTo(verification.getLong("stored"));
      assertThat(Path.of(finished.getString("reportDir")).resolve("report.html")).isRegularFile();
      assertThat(finished.getJsonArray("log").encode()).contains("tiny");

      String longRun = api.post("/api/loadtest/runs", token, new JsonObject().put("preset", "tiny")
        .put("durationSeconds", 120)).body().getString("id");
      waitFor(api, token, longRun, run -> run.getJsonObject("progress").getLong("sent", 0L) > 0);
      Api.Reply stopping = api.delete("/api/loadtest/runs/" + longRun, token);
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

  private static JsonObject waitFor(Api api, String token, String id, Predicate<JsonObject> done)
    throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      JsonObject run = api.get("/api/loadtest/runs/" + id, token).body();
      if (done.test(run) || System.currentTimeMillis() > deadline) {
        return run;
      }
      Thread.sleep(200);
    }
  }
}
