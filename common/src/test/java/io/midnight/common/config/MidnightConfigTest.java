package io.midnight.common.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MidnightConfigTest {

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static JsonObject defaults() {
    return new JsonObject().put("dataDir", "./data")
      .put("http", new JsonObject().put("port", 4000).put("host", "0.0.0.0"))
      .put("storage", new JsonObject().put("maxMessagesPerShard", 100_000).put("retainShards", 0));
  }

  @Test
  void fileOverridesDefaultsAndFlagsOverrideFile() throws Exception {
    Path yaml = dir.resolve("midnight.yaml");
    Files.writeString(yaml, "http:\n  port: 8080\nstorage:\n  retainShards: 30\n");
    JsonObject config = MidnightConfig.load(vertx, defaults(), yaml.toString(),
      new JsonObject().put("http", new JsonObject().put("port", 9090))).await();
    assertThat(config.getJsonObject("http").getInteger("port")).isEqualTo(9090);
    assertThat(config.getJsonObject("http").getString("host")).isEqualTo("0.0.0.0");
    assertThat(config.getJsonObject("storage").getInteger("retainShards")).isEqualTo(30);
    assertThat(config.getJsonObject("storage").getInteger("maxMessagesPerShard")).isEqualTo(100_000);
    assertThat(config.fieldNames()).containsExactlyInAnyOrder("dataDir", "http", "storage");
  }

  @Test
  void everyLeafHasAnEnvironmentName() {
    assertThat(MidnightConfig.envNames(defaults())).containsEntry("MIDNIGHT_DATA_DIR", "dataDir")
      .containsEntry("MIDNIGHT_HTTP_PORT", "http.port")
      .containsEntry("MIDNIGHT_STORAGE_MAX_MESSAGES_PER_SHARD", "storage.maxMessagesPerShard");
  }

  @Test
  void aMissingFileIsAnError() {
    assertThatThrownBy(() -> MidnightConfig.load(vertx, defaults(), dir.resolve("nope.json").toString(),
      new JsonObject()).await()).hasMessageContaining("nope.json");
  }
}
