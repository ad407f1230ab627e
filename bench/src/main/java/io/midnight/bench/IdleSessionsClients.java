package io.midnight.bench;

import io.midnight.common.socketio.EnginePacket;
import io.midnight.common.socketio.EventFrames;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One client process of the idle-sessions benchmark ({@code midnight bench idle clients}): Socket.IO sessions over
 * raw Engine.IO v4 WebSocket frames to one server, from a block of local source addresses (each address has its own
 * ~28k ephemeral ports; session i binds to address i mod count). Few sessions per address keep {@code bind()} fast:
 * Linux looks for a free port by scanning, and half the range is tried first, so an address with over ~14k bound
 * sockets makes every further bind scan thousands of ports. A session waits for the {@code 0{...}} open packet, sends {@code 40},
 * waits for {@code 40{...}} and from then on only answers every {@code 2} ping with {@code 3}.
 *
 * <p>Driven over standard input by the coordinator, one command a line: {@code open COUNT RATE} opens a batch of
 * COUNT sessions at RATE per second (at most {@value #WINDOW} handshakes under way); {@code closeall} closes the
 * batch and answers {@code CLOSED} once every socket has closed; {@code quit} or the end of input stops the process.
 * Every second it prints {@code S target started connecting open failed dropped pings minPings maxPings stale errors
 * elapsedMs}; {@code E text} lines report the first errors. All session state lives on one event loop, in arrays
 * (a few bytes a session), so that the clients' own cost stays small.
 */
public final class IdleSessionsClients {

  private static final byte CONNECTING = 1;
  private static final byte ENGINE_OPEN = 2;
  private static final byte OPEN = 3;
  private static final byte FAILED = 4;
  private static final byte DROPPED = 5;
  private static final byte CLOSED = 6;

  private static final int WINDOW = 256;
  private static final int SETUP_TIMEOUT_MS = 30_000;
  private static final int MAX_ERROR_LINES = 20;
  private static final String URI = "/socket.io/?EIO=4&transport=websocket";

  private final String host;
  private final int port;
  private final List<String> sources;
  private final long staleAfterMs;
  private final long t0 = System.nanoTime();

  private Vertx vertx;
  private Context context;
  private WebSocketClient[] clients;

  private WebSocket[] sockets = new WebSocket[0];
  private byte[] state = new byte[0];
  private int[] pings = new int[0];
  private int[] lastSeen = new int[0];
  private int target;
  private int started;
  private int connecting;
  private int open;
  private int failed;
  private int dropped;
  private long pingsTotal;
  private double rate;
  private long batchStartMs;
  private boolean closingAll;
  private boolean closedReported = true;
  private int errors;

  public IdleSessionsClients(String host, int port, List<String> sources, long pingInterval, long pingTimeout) {
    this.host = host;
    this.port = port;
    this.sources = List.copyOf(sources);
    this.staleAfterMs = pingInterval + pingTimeout + 5_000;
  }

  /** Runs until {@code quit} or the end of standard input. */
  public int run() throws Exception {
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)
      .setWorkerPoolSize(1)).build();
    clients = new WebSocketClient[sources.size()];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setLocalAddress(sources.get(i))
        .setMaxConnections(1_000_000)
        .setConnectTimeout(10_000)
        .setTryUsePerMessageCompression(false)
        .setTryUsePerFrameCompression(false)
        .setTcpNoDelay(true));
    }
    context = vertx.getOrCreateContext();
    CountDownLatch quit = new CountDownLatch(1);
    context.runOnContext(v -> {
      vertx.setPeriodic(10, id -> tick());
      vertx.setPeriodic(1_000, id -> status());
    });
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          String command = line.trim();
          if (command.equals("quit")) {
            break;
          }
          context.runOnContext(v -> command(command));
        }
      } catch (Exception e) {
        print("E stdin: " + e);
      }
      quit.countDown();
    }, "idle-clients-stdin");
    reader.setDaemon(true);
    reader.start();
    print("READY " + ProcessHandle.current().pid() + " " + String.join(",", sources));
    quit.await();
    CountDownLatch marked = new CountDownLatch(1);
    context.runOnContext(v -> {
      closingAll = true; // from here on, closes are ours, not drops
      marked.countDown();
    });
    marked.await(5, TimeUnit.SECONDS);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("idle clients: Vert.x did not close in time: " + e);
    }
    return 0;
  }

  private void command(String line) {
    String[] f = line.split("\\s+");
    switch (f[0]) {
      case "open" -> openBatch(Integer.parseInt(f[1]), Double.parseDouble(f[2]));
      case "closeall" -> closeAll();
      default -> print("E unknown command: " + line);
    }
  }

  private void openBatch(int count, double perSecond) {
    if (connecting + open > 0) {
      print("E open refused: " + (connecting + open) + " sessions of the previous batch are still up");
      return;
    }
    sockets = new WebSocket[count];
    state = new byte[count];
    pings = new int[count];
    lastSeen = new int[count];
    target = count;
    started = 0;
    failed = 0;
    dropped = 0;
    pingsTotal = 0;
    rate = perSecond;
    batchStartMs = nowMs();
    closingAll = false;
    closedReported = false;
  }

  private void closeAll() {
    closingAll = true;
    target = started;
    for (int i = 0; i < started; i++) {
      if (sockets[i] != null) {
        sockets[i].close();
      }
    }
    checkClosed();
  }

  private void checkClosed() {
    if (closingAll && !closedReported && connecting == 0 && open == 0) {
      closedReported = true;
      print("CLOSED");
    }
  }

  /** Starts the handshakes that are due by now, at most {@value #WINDOW} under way. */
  private void tick() {
    if (started >= target) {
      return;
    }
    long due = Math.min(target, (long) ((nowMs() - batchStartMs) * rate / 1000.0) + 1);
    while (started < due && connecting < WINDOW) {
      connect(started++);
    }
  }

  private void connect(int i) {
    state[i] = CONNECTING;
    connecting++;
    lastSeen[i] = nowMs();
    clients[i % clients.length].connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(URI)).onComplete(ar -> {
      if (ar.failed()) {
        if (state[i] == CONNECTING) {
          endSetup(i, true);
          error("connect: " + ar.cause());
        }
        return;
      }
      WebSocket ws = ar.result();
      if (state[i] != CONNECTING || closingAll) {
        if (state[i] == CONNECTING) {
          endSetup(i, false);
        }
        ws.close();
        return;
      }
      sockets[i] = ws;
      ws.textMessageHandler(text -> onText(i, text));
      ws.closeHandler(v -> onClose(i));
      ws.exceptionHandler(e -> {
        if (!closingAll) {
          error("socket " + i + ": " + e);
        }
      });
    });
  }

  /** A handshake that ends without an open session: failed (counted) or cancelled by closeall. */
  private void endSetup(int i, boolean failure) {
    connecting--;
    if (failure && !closingAll) {
      state[i] = FAILED;
      failed++;
    } else {
      state[i] = CLOSED;
    }
    checkClosed();
  }

  private void onText(int i, String text) {
    if (text.isEmpty() || sockets[i] == null) {
      return;
    }
    switch (text.charAt(0)) {
      case EnginePacket.PING -> {
        sockets[i].writeTextMessage(EventFrames.PONG);
        if (state[i] == OPEN) {
          pings[i]++;
          pingsTotal++;
          lastSeen[i] = nowMs();
        }
      }
      case EnginePacket.OPEN -> {
        if (state[i] == CONNECTING) {
          state[i] = ENGINE_OPEN;
          sockets[i].writeTextMessage(EventFrames.CONNECT);
        }
      }
      case EnginePacket.MESSAGE -> {
        char type = text.length() > 1 ? text.charAt(1) : '?';
        if (type == '0' && state[i] == ENGINE_OPEN) {
          state[i] = OPEN;
          connecting--;
          open++;
          lastSeen[i] = nowMs();
        } else if (type == '4') {
          error("connect refused: " + text);
          sockets[i].close();
        } else if (type == '1') {
          error("server left the namespace: " + text);
        }
      }
      case '1' -> error("Engine.IO close from the server on session " + i);
      default -> {
      }
    }
  }

  private void onClose(int i) {
    sockets[i] = null;
    switch (state[i]) {
      case OPEN -> {
        open--;
        if (closingAll) {
          state[i] = CLOSED;
        } else {
          state[i] = DROPPED;
          dropped++;
          error("session " + i + " closed by the server");
        }
        checkClosed();
      }
      case CONNECTING, ENGINE_OPEN -> {
        endSetup(i, true);
        if (!closingAll) {
          error("session " + i + " closed during the handshake");
        }
      }
      default -> {
      }
    }
  }

  /** Times out stuck handshakes, then prints the status line. */
  private void status() {
    int now = nowMs();
    int minPings = Integer.MAX_VALUE;
    int maxPings = 0;
    int stale = 0;
    for (int i = 0; i < started; i++) {
      byte s = state[i];
      if ((s == CONNECTING || s == ENGINE_OPEN) && now - lastSeen[i] > SETUP_TIMEOUT_MS) {
        WebSocket ws = sockets[i];
        sockets[i] = null;
        endSetup(i, true);
        error("session " + i + ": no Socket.IO connect within " + SETUP_TIMEOUT_MS + " ms");
        if (ws != null) {
          ws.close();
        }
      } else if (s == OPEN) {
        minPings = Math.min(minPings, pings[i]);
        maxPings = Math.max(maxPings, pings[i]);
        if (now - lastSeen[i] > staleAfterMs) {
          stale++;
        }
      }
    }
    if (open == 0) {
      minPings = 0;
    }
    print("S " + target + " " + started + " " + connecting + " " + open + " " + failed + " " + dropped + " "
      + pingsTotal + " " + minPings + " " + maxPings + " " + stale + " " + errors + " " + (now - batchStartMs));
  }

  private void error(String text) {
    errors++;
    if (errors <= MAX_ERROR_LINES) {
      print("E " + text.replace('\n', ' '));
    }
  }

  private int nowMs() {
    return (int) ((System.nanoTime() - t0) / 1_000_000);
  }

  private static void print(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
