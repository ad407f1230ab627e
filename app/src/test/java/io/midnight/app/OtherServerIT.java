package io.midnight.app;

import io.midnight.loadtest.LoadTestVerticle;
import io.midnight.loadtest.Preset;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code --target} against a server that is not Midnight: the stock Node socket.io 4.8 chat server of
 * {@code bench/socketio-node} (its lockfile pins the version). The tool must tell it is not Midnight, make up
 * its users, and still prove every delivery; an address where nothing listens must fail with a clear message.
 */
class OtherServerIT {

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void theToolVerifiesAStockSocketIoServer() throws Exception {
    Path server = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("../bench/socketio-node")
      .normalize();
    NodePackages.install(server);
    int port = MidnightProcess.freePort();
    Path log = dir.resolve("node.log");
    ProcessBuilder builder = new ProcessBuilder("node", "server.js").directory(server.toFile())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PORT", Integer.toString(port));
    Process node = builder.start();
    Vertx vertx = Vertx.vertx();
    try {
      Api api = new Api(port);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
        assertThat(node.isAlive()).as("node server.js exited: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
        return up(api);
      });
      StringBuilder lines = new StringBuilder();
      Preset quick = Preset.named("quick").orElseThrow().with(20, 4, 6, 1.0);
      LoadTestVerticle test = new LoadTestVerticle(quick, URI.create("http://127.0.0.1:" + port),
        line -> lines.append(line).append('\n'));
      vertx.deployVerticle(test).await();
      JsonObject report = test.report().await();

      assertThat(lines.toString()).contains("without Midnight's API");
      JsonObject totals = report.getJsonObject("totals");
      JsonObject verification = report.getJsonObject("verification");
      assertThat(totals.getLong("connected")).isEqualTo(20);
      assertThat(totals.getLong("acked")).isEqualTo(totals.getLong("sent")).isBetween(110L, 120L);
      assertThat(totals.getLong("delivered")).as("every member of a 5-member room got every message")
        .isEqualTo(totals.getLong("expectedDeliveries")).isEqualTo(totals.getLong("acked") * 5);
      assertThat(verification.getBoolean("storeChecked")).isFalse();
      assertThat(verification.getValue("stored")).isNull();
      assertThat(verification.getString("verdict"))
        .isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order (store not checked)");
    } finally {
      vertx.close().await();
      node.destroy();
      node.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTargetWhereNothingListensFailsClearly() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      int port = MidnightProcess.freePort();
      LoadTestVerticle test = new LoadTestVerticle(Preset.named("quick").orElseThrow(),
        URI.create("http://127.0.0.1:" + port), line -> { });
      vertx.deployVerticle(test).await();
      assertThatThrownBy(() -> test.report().await()).hasMessageContaining("cannot reach http://127.0.0.1:" + port);
    } finally {
      vertx.close().await();
    }
  }

  private static boolean up(Api api) {
    try {
      return api.get("/health", null).status() == 200;
    } catch (RuntimeException notYet) {
      return false;
    }
  }
}
