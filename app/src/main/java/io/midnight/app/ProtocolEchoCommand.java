package io.midnight.app;

import io.midnight.gateway.echo.ProtocolEchoVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code midnight protocol-echo}: the Engine.IO/Socket.IO stack with interoperability-test handlers, no auth. */
@Command(name = "protocol-echo", mixinStandardHelpOptions = true,
  description = {"Run Midnight's Engine.IO v4 / Socket.IO v5 stack with the handlers of socket.io's test server",
    "and no auth, to check the protocol against any client or test suite:",
    "namespaces / and /custom; on connect the server emits 'auth' with the CONNECT payload;",
    "'message' is echoed as 'message-back'; an event with an ack id is acked with its own arguments."})
final class ProtocolEchoCommand implements Callable<Integer> {

  @Option(names = "--port", description = "port (default ${DEFAULT-VALUE})")
  int port = 3000;

  @Option(names = "--host", description = "address to listen on (default ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @Option(names = "--ping-interval", paramLabel = "MS", description = "Engine.IO pingInterval (default ${DEFAULT-VALUE})")
  long pingInterval = 25_000;

  @Option(names = "--ping-timeout", paramLabel = "MS", description = "Engine.IO pingTimeout (default ${DEFAULT-VALUE})")
  long pingTimeout = 20_000;

  @Option(names = "--max-payload", paramLabel = "BYTES", description = "Engine.IO maxPayload (default ${DEFAULT-VALUE})")
  int maxPayload = 1_000_000;

  @Option(names = "--engine-io-echo", description = "also echo raw Engine.IO messages at /engine.io/")
  boolean engineIoEcho;

  @Override
  public Integer call() throws InterruptedException {
    if (pingInterval <= 0 || pingTimeout <= 0 || maxPayload <= 0) {
      System.err.println("midnight: --ping-interval, --ping-timeout and --max-payload must be positive");
      return 2;
    }
    Vertx vertx = MidnightNode.vertx();
    ProtocolEchoVerticle echo = new ProtocolEchoVerticle();
    JsonObject config = new JsonObject().put("host", host).put("port", port).put("pingInterval", pingInterval)
      .put("pingTimeout", pingTimeout).put("maxPayload", maxPayload).put("engineIoEcho", engineIoEcho);
    try {
      vertx.deployVerticle(echo, new DeploymentOptions().setConfig(config)).await();
    } catch (Exception e) {
      System.err.println("midnight: cannot start protocol-echo: " + e.getMessage());
      vertx.close().await();
      return 1;
    }
    System.out.printf("protocol-echo listening on http://%s:%d/socket.io/%s (pingInterval %d ms, pingTimeout %d ms)%n",
      host, echo.actualPort(), engineIoEcho ? " and /engine.io/" : "", pingInterval, pingTimeout);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      stopped.countDown();
    }, "protocol-echo-shutdown"));
    stopped.await();
    return 0;
  }
}
