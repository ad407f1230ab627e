package io.midnight.loadtest;

import io.vertx.core.http.WebSocketClient;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the clients of one run share: where the target is, the run id that makes every {@code clientMsgId} unique,
 * the WebSocket clients (one per source address, each with its per-endpoint connection limit raised to its
 * users), and the stats.
 * Thread-safe.
 */
final class LoadRun {

  static final int CONNECT_ATTEMPTS = 6;
  /** A user that was in: tries for about half a minute (a server restart) before giving up. */
  static final int RECONNECT_ATTEMPTS = 20;
  /** With {@link #retryDelayMillis} a send survives about 80 s of a server that is down or refusing. */
  static final int SEND_ATTEMPTS = 15;
  static final long ACK_TIMEOUT_MILLIS = 10_000;

  /**
   * The wait before attempt {@code attempt + 1} after a refusal or while disconnected: 1, 1, 2, 2, 4, 4, 8, 8 ...
   * seconds, so an overloaded server is not answered with a storm of retries.
   */
  static long retryDelayMillis(int attempt) {
    return Math.min(8_000, 1_000L << Math.min(3, attempt / 2));
  }

  /**
   * How long attempt {@code attempt} waits for its ack before the message is sent again: 10, 20, 40, 40 ... s. A
   * server that is slow, not gone, still answers on the open connection, and its late ack counts.
   */
  static long ackTimeoutMillis(int attempt) {
    return ACK_TIMEOUT_MILLIS << Math.min(2, attempt);
  }

  /** The longest a send can take to settle: every attempt timing out. */
  static long maxSettleMillis() {
    long total = 0;
    for (int attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
      total += ackTimeoutMillis(attempt);
    }
    return total;
  }

  private final String runId;
  private final List<URI> gateways;
  private final List<WebSocketClient> webSockets;
  private final int usersPerClient;
  private final RunStats stats = new RunStats();
  private final LongAdder settled = new LongAdder();
  private volatile boolean stopRequested;

  /** {@code webSockets}: one client per source address, each serving {@code usersPerClient} users in turn. */
  /** {@code gateways}: where the users' sockets go, user i to {@code gateways[i % size]}. */
  LoadRun(String runId, List<URI> gateways, List<WebSocketClient> webSockets, int usersPerClient) {
    this.runId = runId;
    this.gateways = List.copyOf(gateways);
    this.webSockets = List.copyOf(webSockets);
    this.usersPerClient = usersPerClient;
  }

  String runId() {
    return runId;
  }

  /** The gateway user number {@code user} connects to. */
  URI gateway(int user) {
    return gateways.get(user % gateways.size());
  }


  String socketPath() {
    return "/socket.io/";
  }

  int usersPerClient() {
    return usersPerClient;
  }

  /** The client (so the source address) of user number {@code user}. */
  WebSocketClient webSockets(int user) {
    return webSockets.get(Math.min(webSockets.size() - 1, user / usersPerClient));
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
