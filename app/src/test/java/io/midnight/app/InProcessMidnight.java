package io.midnight.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** The whole of Midnight in the test JVM, on a real port and a real data directory. */
final class InProcessMidnight implements AutoCloseable {

  final Vertx vertx = MidnightNode.servingVertx();
  final JsonObject config;
  final int port;
  final MidnightNode.Deployed deployed;
  final Api api;

  /** {@code overrides} is merged over the defaults like command-line flags. */
  InProcessMidnight(Path dataDir, JsonObject overrides) {
    JsonObject flags = new JsonObject().put("dataDir", dataDir.toString())
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .mergeIn(overrides, true);
    config = MidnightNode.config(vertx, null, flags).await();
    deployed = MidnightNode.deployAll(vertx, config).await();
    port = deployed.port();
    api = new Api(port);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
