package io.midnight.app.bench;

import io.midnight.app.MidnightNode;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, running on its own Vert.x instance: its port, one token per simulated user and the room ids
 * to spread them over. Closing it closes that Vert.x instance.
 */
record FanoutTarget(String name, int port, List<String> tokens, List<Integer> roomIds, Vertx vertx)
  implements AutoCloseable {

  /** The bare ceiling: a {@link BareBroadcastServer} that takes any token and any room id. */
  static FanoutTarget bare(int conns, int rooms) {
    Vertx vertx = MidnightNode.vertx();
    try {
      BareBroadcastServer server = new BareBroadcastServer();
      vertx.deployVerticle(server).await();
      List<String> tokens = new ArrayList<>();
      for (int i = 1; i <= conns; i++) {
        tokens.add(String.format("b%05d", i));
      }
      List<Integer> roomIds = new ArrayList<>();
      for (int r = 1; r <= rooms; r++) {
        roomIds.add(r);
      }
      return new FanoutTarget("bare", server.actualPort(), tokens, roomIds, vertx);
    } catch (RuntimeException e) {
      closeQuietly(vertx);
      throw e;
    }
  }

  @Override
  public void close() {
    closeQuietly(vertx);
  }

  static void closeQuietly(Vertx vertx) {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS)
      .exceptionally(e -> null).join();
  }
}
