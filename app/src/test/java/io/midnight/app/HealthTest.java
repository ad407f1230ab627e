package io.midnight.app;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health}: live while the gateway answers; ready only while storage answers on the bus and takes writes. */
class HealthTest {

  @TempDir
  Path dir;

  @Test
  void readyOnlyWhileStorageAnswers() {
    try (InProcessMidnight midnight = new InProcessMidnight(dir, new JsonObject())) {
      Api.Reply up = midnight.api.get("/health", null);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.body().getBoolean("live")).isTrue();
      assertThat(up.body().getBoolean("ready")).isTrue();
      assertThat(up.body().getString("storage")).isEqualTo("up");

      midnight.vertx.undeploy(midnight.deployed.ids().get(0)).await(); // storage goes first in the list

      Api.Reply down = midnight.api.get("/health", null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body().getBoolean("live")).isTrue();
      assertThat(down.body().getBoolean("ready")).isFalse();
      assertThat(down.body().getString("status")).isEqualTo("degraded");
      assertThat(down.body().getString("storage")).startsWith("down: ");
    }
  }
}
