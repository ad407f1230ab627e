package io.midnight.loadtest;

import io.vertx.core.http.WebSocketClient;

import java.net.URI;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the clients of one run share: where the target is, the run id that makes every {@code clientMsgId} unique,
 * the WebSocket client (its per-endpoint connection limit raised to the number of users), and the stats.
 * Thread-safe.
 */
final class LoadRun {

  static final int CONNECT_ATTEMPTS = 6;
  /** A user that was in: tries for about half a minute (a server restart) before giving up. */
  static final int RECONNECT_ATTEMPTS = 20;
  /** One a second while the connection is down: a send survives a restart of ~15 s. */
  static final int SEND_ATTEMPTS = 15;
  static final long ACK_TIMEOUT_MILLIS = 10_000;
  static final long RETRY_MILLIS = 1_000;

  private final String runId;
  private final URI target;
  private final WebSocketClient webSockets;
  private final RunStats stats = new RunStats();
  private final LongAdder settled = new LongAdder();
  private volatile boolean stopRequested;

  LoadRun(String runId, URI target, WebSocketClient webSockets) {
    this.runId = runId;
    this.target = target;
    this.webSockets = webSockets;
  }

  String runId() {
    return runId;
  }

  String host() {
    return target.getHost();
  }

  int port() {
    return target.getPort() > 0 ? target.getPort() : ssl() ? 443 : 80;
  }

  boolean ssl() {
    return "https".equals(target.getScheme());
  }

  String socketPath() {
    return "/socket.io/";
  }

  WebSocketClient webSockets() {
    return webSockets;
  }

  RunStats stats() {
    return stats;
  }

  /** From now on clients send nothing new (retries of what was sent go on). */
  void requestStop() {
    stopRequested = true;
  }

  boolean stopRequested() {
    return stopRequested;
  }

  /** A send got its ack or was given up: what the drain waits for. */
  void settled() {
    settled.increment();
  }

  long settledCount() {
    return settled.sum();
  }

  /** Sends neither acked nor given up yet. */
  long unsettled() {
    return stats.sent.sum() - settled.sum();
  }
}
