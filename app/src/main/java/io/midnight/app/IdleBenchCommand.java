package io.midnight.app;

import io.midnight.bench.IdleSessionsBench;
import io.midnight.bench.IdleSessionsClients;
import io.midnight.bench.IdleSessionsServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code midnight bench idle}: server memory per idle Socket.IO session with heartbeats running, over several server
 * and client processes on loopback. Its hidden subcommands {@code server} and {@code clients} are the child
 * processes it starts ({@code java -cp <this jar> io.midnight.app.IdleBenchCommand server|clients ...}).
 */
@Command(name = "idle", mixinStandardHelpOptions = true,
  description = {"Idle Socket.IO sessions: how much server memory each one costs while heartbeats run.", "",
    "Starts K server processes (the protocol-echo stack: Midnight's Engine.IO/Socket.IO sessions, no auth) and K "
      + "client processes, client i talking to server i from its own block of source addresses 127.0.0.x (at most "
      + "--per-source sessions each): one process may hold ~20,000 open files and one source address has ~28,000 "
      + "ephemeral ports.", "",
    "Measures each server before any session (live heap after a full GC via jcmd GC.class_histogram, VmRSS) and "
      + "after --warmup sessions were opened and closed, opens --sessions at --rate per second, holds them --hold "
      + "seconds while the servers ping them (checking that none drops and each keeps getting pings), measures "
      + "again and reports bytes per session, the classes the heap grew in, and sessions alive vs opened. Stops "
      + "every child it started at the end, on failure and on Ctrl-C."},
  subcommands = {IdleBenchCommand.Server.class, IdleBenchCommand.Clients.class})
public final class IdleBenchCommand implements Callable<Integer> {

  @Option(names = "--sessions", description = "sessions to open and hold (default ${DEFAULT-VALUE})")
  int sessions = 100_000;

  @Option(names = "--processes", description = "server processes, and as many client processes"
    + " (default: sessions / --per-process, rounded up)")
  Integer processes;

  @Option(names = "--per-process", description = "most sessions per process when --processes is not given"
    + " (default ${DEFAULT-VALUE})")
  int perProcess = 17_000;

  @Option(names = "--hold", paramLabel = "SECONDS", description = "seconds the open sessions are held before the"
    + " measurement (default ${DEFAULT-VALUE})")
  int hold = 60;

  @Option(names = "--ping-interval", paramLabel = "MS", description = "the servers' Engine.IO pingInterval"
    + " (default ${DEFAULT-VALUE}: several heartbeat rounds within the hold)")
  long pingInterval = 10_000;

  @Option(names = "--ping-timeout", paramLabel = "MS", description = "the servers' Engine.IO pingTimeout"
    + " (default ${DEFAULT-VALUE})")
  long pingTimeout = 5_000;

  @Option(names = "--rate", description = "sessions opened per second, over all processes (default ${DEFAULT-VALUE})")
  int rate = 2_000;

  @Option(names = "--warmup", description = "sessions per server opened and closed before the second baseline"
    + " (0: none; default ${DEFAULT-VALUE})")
  int warmup = 500;

  @Option(names = "--server-heap", description = "-Xmx of each server process (default ${DEFAULT-VALUE})")
  String serverHeap = "1g";

  @Option(names = "--client-heap", description = "-Xmx of each client process (default ${DEFAULT-VALUE})")
  String clientHeap = "1g";

  @Option(names = "--gc", description = "the servers' collector: G1, Serial, Parallel or Z (default ${DEFAULT-VALUE})")
  String gc = "G1";

  @Option(names = "--server-jvm-option", paramLabel = "OPTION", description = "a further JVM option for the server"
    + " processes (repeatable)")
  List<String> serverJvmOptions = new ArrayList<>();

  @Option(names = "--nmt", description = "track the servers' native memory (NMT summary) and print server 1's growth")
  boolean nmt;

  @Option(names = "--first-source", paramLabel = "N", description = "the first client source address is 127.0.0.N,"
    + " the others follow (default ${DEFAULT-VALUE})")
  int firstSource = 2;

  @Option(names = "--per-source", description = "most sessions per client source address (default ${DEFAULT-VALUE};"
    + " Linux's bind() slows down as one address's ports fill up)")
  int perSource = 2_000;

  @Override
  public Integer call() throws Exception {
    if (!List.of("G1", "Serial", "Parallel", "Z").contains(gc)) {
      System.err.println("midnight: --gc must be G1, Serial, Parallel or Z");
      return 2;
    }
    return new IdleSessionsBench(new IdleSessionsBench.Options(sessions, processes, perProcess, hold, pingInterval,
      pingTimeout, rate, warmup, serverHeap, clientHeap, gc, serverJvmOptions, nmt, firstSource, perSource)).run();
  }

  /** A server child: the protocol-echo stack, ends with its standard input. */
  @Command(name = "server", hidden = true, description = "A server process of 'bench idle' (internal).")
  static final class Server implements Callable<Integer> {

    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port")
    int port;

    @Option(names = "--ping-interval")
    long pingInterval = 25_000;

    @Option(names = "--ping-timeout")
    long pingTimeout = 20_000;

    @Override
    public Integer call() throws Exception {
      return IdleSessionsServer.run(MidnightNode.vertx(), host, port, pingInterval, pingTimeout);
    }
  }

  /** A client child: idle sessions from one source address, driven over its standard input. */
  @Command(name = "clients", hidden = true, description = "A client process of 'bench idle' (internal).")
  static final class Clients implements Callable<Integer> {

    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--source", required = true, split = ",",
      description = "local addresses to connect from, e.g. 127.0.0.2,127.0.0.3 (session i uses address i mod count)")
    List<String> sources;

    @Option(names = "--ping-interval")
    long pingInterval = 25_000;

    @Option(names = "--ping-timeout")
    long pingTimeout = 20_000;

    @Override
    public Integer call() throws Exception {
      return new IdleSessionsClients(host, port, sources, pingInterval, pingTimeout).run();
    }
  }

  /** Runs the command (or a child) directly: {@code java -cp midnight.jar io.midnight.app.IdleBenchCommand ...}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new IdleBenchCommand()).execute(args));
  }
}
