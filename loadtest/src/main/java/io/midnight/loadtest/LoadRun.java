package io.midnight.loadtest;

import io.vertx.core.http.WebSocketClient;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the clients of one run share: where the target is, the run id that makes every {@code clientMsgId} unique,
 * the WebSocket clients (one per source address, each with its per-endpoint connection limit raised to its
 * users), the bounds every client keeps, and the stats.
 * Thread-safe.
 */
final class LoadRun {

  static final int CONNECT_ATTEMPTS = 6;
  /** A user that was in: tries for about half a minute (a server restart) before giving up. */
  static final int RECONNECT_ATTEMPTS = 20;
  /**
   * Failed attempts of one send (ack timeout, not connected, a refusal that names no wait): with
   * {@link #retryDelayMillis} a send survives about 80 s of a server that is down. A refusal with
   * {@code retryAfterMs} is the server asking to come back and burns no attempt; the send's deadline bounds it.
   */
  static final int SEND_ATTEMPTS = 15;
  static final long ACK_TIMEOUT_MILLIS = 10_000;
  /** From the start of a connect to the join's answer: past it the socket is closed and opened again. */
  static final long JOIN_TIMEOUT_MILLIS = 30_000;
  /** Joins of one connection the server may answer "busy" ({@code unavailable}, {@code rate_limited}) before the user gives up. */
  static final int JOIN_ATTEMPTS = 10;
  /** Messages one client has sent and not yet settled; a send due while this many are out is skipped. */
  static final int DEFAULT_MAX_IN_FLIGHT = 32;
  /** Past the end of sending, a send may still wait for this long plus the sending time (the backlog of 2x). */
  static final long SETTLE_GRACE_MILLIS = 30_000;

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
  private final int firstClient;
  private final int usersPerClient;
  private final int maxInFlight;
  private final RunStats stats = new RunStats();
  private final LongAdder settled = new LongAdder();
  private volatile boolean stopRequested;
  private volatile long giveUpNanos = Long.MAX_VALUE;

  /**
   * {@code gateways}: where the users' sockets go, user i to {@code gateways[i % size]}. {@code webSockets}: one
   * client per source address, each serving {@code usersPerClient} users in turn, the first of them users
   * {@code firstClient * usersPerClient} on (a load worker holds a slice). {@code maxInFlight}: unsettled sends per
   * client.
   */
  LoadRun(String runId, List<URI> gateways, List<WebSocketClient> webSockets, int firstClient, int usersPerClient,
          int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("messages in flight per client must be at least 1; got " + maxInFlight);
    }
    this.runId = runId;
    this.gateways = List.copyOf(gateways);
    this.webSockets = List.copyOf(webSockets);
    this.firstClient = firstClient;
    this.usersPerClient = usersPerClient;
    this.maxInFlight = maxInFlight;
  }

  int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Sending runs until {@code endNanos} for {@code sendingNanos}: every send is given up (as an error) once it is
   * still unanswered after the end plus the sending time plus {@link #SETTLE_GRACE_MILLIS}, however often the
   * server asked it to come back. A server 2x past capacity needs about the sending time again to catch up.
   */
  void sendingUntil(long endNanos, long sendingNanos) {
    giveUpNanos = endNanos + sendingNanos + TimeUnit.MILLISECONDS.toNanos(SETTLE_GRACE_MILLIS);
  }

  /** Follows {@code plan}: sends are given up after its end (as {@link #sendingUntil}), its burst is marked. */
  void follow(SendPlan plan) {
    sendingUntil(plan.end(), plan.sendingNanos());
    if (plan.midnight()) {
      stats.burstWindow(plan.burstStart(), plan.burstEnd());
    }
  }

  /** Whether sending is planned: a user that joins from now on may have missed messages of the run. */
  boolean sendingPlanned() {
    return giveUpNanos != Long.MAX_VALUE;
  }

  /** When every send still unanswered is given up (System.nanoTime; far future before sending starts). */
  long giveUpNanos() {
    return giveUpNanos;
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
    return webSockets.get(Math.max(0, Math.min(webSockets.size() - 1, user / usersPerClient - firstClient)));
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

  /** Sends neither acked nor given up yet. */
  long unsettled() {
    return stats.sent.sum() - settled.sum();
  }
}
