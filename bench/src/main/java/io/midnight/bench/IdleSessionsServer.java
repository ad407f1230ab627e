package io.midnight.bench;

import io.midnight.gateway.echo.ProtocolEchoVerticle;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One server process of the idle-sessions benchmark ({@code midnight bench idle server}): exactly what
 * {@code midnight protocol-echo} runs (the {@link ProtocolEchoVerticle} on the node's Vert.x: Midnight's
 * Engine.IO/Socket.IO session stack, no auth), plus a line protocol on standard input so that the coordinator can
 * read memory figures from inside and so that the process ends with its coordinator: {@code stats} prints
 * {@code STATS key=value ...} (heap used, NIO and Netty direct memory, threads; no GC of its own: the coordinator
 * runs one through jcmd first); {@code quit} or the end of input stops it.
 */
public final class IdleSessionsServer {

  private IdleSessionsServer() {
  }

  /** {@code vertx}: a serving Vert.x, as {@code midnight protocol-echo} makes it; closed when the server ends. */
  public static int run(Vertx vertx, String host, int port, long pingInterval, long pingTimeout) throws Exception {
    ProtocolEchoVerticle echo = new ProtocolEchoVerticle();
    JsonObject config = new JsonObject().put("host", host).put("port", port).put("pingInterval", pingInterval)
      .put("pingTimeout", pingTimeout);
    try {
      vertx.deployVerticle(echo, new DeploymentOptions().setConfig(config)).await();
    } catch (Exception e) {
      System.out.println("E cannot start the server: " + e.getMessage());
      System.out.flush();
      vertx.close().await();
      return 1;
    }
    System.out.println("READY " + ProcessHandle.current().pid() + " " + echo.actualPort() + " "
      + (vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
    System.out.flush();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
        if (line.trim().equals("stats")) {
          System.out.println("STATS " + stats());
          System.out.flush();
        }
      }
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("idle server: Vert.x did not close in time: " + e);
    }
    return 0;
  }

  private static String stats() {
    long nioDirect = 0;
    long nioDirectCount = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        nioDirect = pool.getMemoryUsed();
        nioDirectCount = pool.getCount();
      }
    }
    return "heapUsed=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
      + " heapCommitted=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()
      + " nonHeapUsed=" + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed()
      + " nioDirect=" + nioDirect + " nioDirectBuffers=" + nioDirectCount
      + " nettyDirect=" + PlatformDependent.usedDirectMemory()
      + " nettyPooledDirect=" + pooledDirect(PooledByteBufAllocator.DEFAULT)
      + " vertxPooledDirect=" + pooledDirect(VertxByteBufAllocator.POOLED_ALLOCATOR)
      + " threads=" + ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static long pooledDirect(Object allocator) {
    return allocator instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedDirectMemory() : -1;
  }
}
