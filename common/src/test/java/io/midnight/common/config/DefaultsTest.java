package io.midnight.common.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one defaults file, and a config's section laid over it. */
class DefaultsTest {

  @Test
  void aSectionKeepsWhatIsGivenAndTakesTheRestFromTheDefaultsAtEveryDepth() {
    JsonObject config = new JsonObject().put("storage", new JsonObject().put("maxBatch", 7)
      .put("postgres", new JsonObject().put("url", "postgresql://x@127.0.0.1/y")));
    JsonObject storage = Defaults.section(config, "storage");
    assertThat(storage.getInteger("maxBatch")).isEqualTo(7);
    assertThat(storage.getInteger("maxMessagesPerShard")).isEqualTo(100_000);
    assertThat(storage.getJsonObject("postgres").getString("url")).isEqualTo("postgresql://x@127.0.0.1/y");
    assertThat(storage.getJsonObject("postgres").getInteger("poolSize")).isEqualTo(4);
  }

  @Test
  void aMissingSectionIsTheDefaultsAndTheDefaultsCannotBeChangedThroughACopy() {
    assertThat(Defaults.section(new JsonObject(), "messages").getInteger("burst")).isEqualTo(40);
    Defaults.section(null, "messages").put("burst", 1);
    Defaults.all().getJsonObject("messages").put("burst", 1);
    assertThat(Defaults.section(null, "messages").getInteger("burst")).isEqualTo(40);
    assertThat(Defaults.dataDir(new JsonObject())).isEqualTo("./data");
    assertThat(Defaults.dataDir(new JsonObject().put("dataDir", "/srv/m"))).isEqualTo("/srv/m");
  }
}
