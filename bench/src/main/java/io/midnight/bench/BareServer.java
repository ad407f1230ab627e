package io.midnight.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code midnight bench bare-server}: the fan-out ceiling in a process of its own, one {@link BareBroadcastServer}
 * per event loop on one port, until SIGTERM or (with {@code exitWithParent}) until its standard input closes,
 * which happens when the bench that started it is gone, even by SIGKILL.
 */
public final class BareServer {

  private BareServer() {
  }

  public static int run(int port, int loops, boolean exitWithParent) throws InterruptedException {
    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)
      .setEventLoopPoolSize(loops)).build();
    BareRooms rooms = new BareRooms();
    try {
      vertx.deployVerticle(() -> new BareBroadcastServer(rooms, port), new DeploymentOptions().setInstances(loops))
        .await();
    } catch (RuntimeException e) {
      System.err.println("bare-server: cannot start on 127.0.0.1:" + port + ": " + e.getMessage());
      vertx.close();
      return 1;
    }
    System.out.printf("bare broadcast server on 127.0.0.1:%d, %d event loop(s), %s transport%n", port, loops,
      vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
        .exceptionally(e -> null).join();
      stopped.countDown();
    }, "bare-server-shutdown"));
    if (exitWithParent) {
      Thread watcher = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // nothing is written: only the end matters
          }
        } catch (IOException e) {
          // the parent is gone
        }
        System.exit(0);
      }, "bare-server-parent-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
    stopped.await();
    return 0;
  }
}
