package io.midnight.bench;

import io.midnight.loadtest.ClientLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code midnight bench idle}: how much server memory an idle Socket.IO session costs, with heartbeats running.
 *
 * <p>One process may hold at most about 20,000 open files and one source address has about 28,000 ephemeral
 * ports, so the coordinator (this class) starts K server processes ({@link IdleSessionsServer}: the
 * {@code protocol-echo} stack) and K client processes ({@link IdleSessionsClients}), client i talking to server i
 * from its own source address 127.0.0.(first+i). It measures every server before any session (live heap after a
 * full GC and VmRSS), optionally after a warm-up batch that was opened and closed again (classes loaded, code
 * compiled, pools created), opens the sessions at a bounded rate with live progress, holds them while the server
 * pings them (checking that none drops and that every one keeps getting pings), measures again and reports bytes
 * per session. Every child is stopped by its own process handle at the end, on failure and on Ctrl-C.
 */
public final class IdleSessionsBench {

  private static final String MAIN = "io.midnight.app.IdleBenchCommand";
  private static final long START_TIMEOUT_MS = 120_000;
  private static final long WARMUP_TIMEOUT_MS = 120_000;
  private static final long CLOSE_TIMEOUT_MS = 60_000;
  private static final long GOAL_BYTES = 20 * 1024;
  private static final int TOP_CLASSES = 45;

  /** The command's options; {@code processes} null: as many as {@code sessions / perProcess} needs. */
  public record Options(int sessions, Integer processes, int perProcess, int holdSeconds, long pingInterval,
                        long pingTimeout, int rate, int warmup, String serverHeap, String clientHeap, String gc,
                        List<String> serverJvmOptions, boolean nmt, int firstSource, int perSource) {
  }

  /** A failure that ends the run with a message (and exit code 1). */
  private static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  private final Options o;
  private final List<IdleSessionsChild> servers = new ArrayList<>();
  private final List<IdleSessionsChild> clients = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "idle-bench-stop");
  private boolean stoppedAll;

  public IdleSessionsBench(Options options) {
    this.o = options;
  }

  public int run() throws Exception {
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return measure();
    } catch (Failure f) {
      System.out.println("FAILED: " + f.getMessage());
      return 1;
    } finally {
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs stopAll, which is done
      }
    }
  }

  private int measure() throws Exception {
    if (o.sessions() < 1 || o.rate() < 1 || o.holdSeconds() < 0 || o.warmup() < 0 || o.perProcess() < 1
      || o.pingInterval() < 1 || o.pingTimeout() < 1 || o.perSource() < 1
      || (o.processes() != null && o.processes() < 1)) {
      throw new Failure("--sessions, --rate, --per-process, --ping-interval, --ping-timeout and --processes must be"
        + " positive, --hold and --warmup not negative");
    }
    int k = o.processes() != null ? o.processes() : (o.sessions() + o.perProcess() - 1) / o.perProcess();
    int[] shares = new int[k];
    for (int i = 0; i < k; i++) {
      shares[i] = o.sessions() / k + (i < o.sessions() % k ? 1 : 0);
    }
    int perClient = (shares[0] + o.perSource() - 1) / o.perSource();
    preflight(k, shares[0], perClient);
    Path logs = Files.createTempDirectory("midnight-idle-");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<String> serverJvm = new ArrayList<>(List.of("-Xms64m", "-Xmx" + o.serverHeap(), "-XX:+Use" + o.gc() + "GC"));
    if (o.nmt()) {
      serverJvm.add("-XX:NativeMemoryTracking=summary");
    }
    serverJvm.addAll(o.serverJvmOptions());
    List<String> clientJvm = List.of("-Xmx" + o.clientHeap(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    System.out.printf(Locale.ROOT, "idle sessions: %,d over %d server and %d client processes (%s each), held %d s,"
        + " pingInterval %d ms, pingTimeout %d ms, opened at %,d/s in total%n", o.sessions(), k, k,
      shares.length > 1 && shares[0] != shares[k - 1] ? shares[k - 1] + ".." + shares[0] : Integer.toString(shares[0]),
      o.holdSeconds(), o.pingInterval(), o.pingTimeout(), o.rate());
    System.out.println("  server JVM: " + String.join(" ", serverJvm) + " (Java " + Runtime.version() + ")");
    System.out.println("  client JVM: " + String.join(" ", clientJvm));
    System.out.println("  child logs (standard error): " + logs);

    for (int i = 0; i < k; i++) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(serverJvm);
      cmd.addAll(List.of("-cp", classpath, MAIN, "server", "--port", "0", "--ping-interval",
        Long.toString(o.pingInterval()), "--ping-timeout", Long.toString(o.pingTimeout())));
      servers.add(new IdleSessionsChild("server-" + (i + 1), cmd, logs));
    }
    awaitReady(servers);
    int[] ports = new int[k];
    for (int i = 0; i < k; i++) {
      ports[i] = Integer.parseInt(servers.get(i).ready()[2]);
    }
    System.out.println("  servers: " + describe(servers) + " on 127.0.0.1 ports "
      + joinInts(ports) + " (" + servers.get(0).ready()[3] + " transport)");
    for (int i = 0; i < k; i++) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(clientJvm);
      cmd.addAll(List.of("-cp", classpath, MAIN, "clients", "--port", Integer.toString(ports[i]),
        "--source", sources(i, perClient), "--ping-interval", Long.toString(o.pingInterval()), "--ping-timeout",
        Long.toString(o.pingTimeout())));
      clients.add(new IdleSessionsChild("clients-" + (i + 1), cmd, logs));
    }
    awaitReady(clients);
    System.out.println("  clients: " + describe(clients) + " from source addresses 127.0.0."
      + o.firstSource() + " .. 127.0.0." + (o.firstSource() + k * perClient - 1) + " (" + perClient
      + " per client process, at most " + o.perSource() + " sessions each)");

    Thread.sleep(2_000);
    List<IdleSessionsMemory.Reading> before = readAll("before any session");
    List<IdleSessionsMemory.Reading> base = before;
    if (o.warmup() > 0) {
      warmUp();
      base = readAll("after the warm-up");
    }
    if (o.nmt()) {
      for (IdleSessionsChild s : servers) {
        IdleSessionsMemory.jcmd(s.pid(), "VM.native_memory", "baseline");
      }
    }

    long openMs = open(shares);
    hold();
    List<IdleSessionsChild.Status> held = statuses();
    List<IdleSessionsMemory.Reading> after = readAll("with the sessions held");
    List<IdleSessionsChild.Status> last = freshStatuses();
    report(shares, openMs, before, o.warmup() > 0 ? base : null, after, held, last);
    return total(last, IdleSessionsChild.Status::open) == o.sessions() ? 0 : 1;
  }

  private void preflight(int k, int largestShare, int perClient) throws Failure {
    long[] files = ClientLimits.openFilesLimit();
    int[] range = ClientLimits.portRange();
    int portsPerAddress = range == null ? -1 : range[1] - range[0] + 1;
    System.out.printf(Locale.ROOT, "  limits: open files per process %s (soft) / %s (hard); ephemeral ports %s"
        + " (%s per source address); largest share %,d sessions per process%n",
      files == null ? "?" : files[0], files == null ? "?" : files[1],
      range == null ? "?" : range[0] + "-" + range[1], portsPerAddress < 0 ? "?" : String.format("%,d", portsPerAddress),
      largestShare);
    if (files != null && files[0] > 0 && largestShare + 512 > files[0]) {
      throw new Failure(String.format(Locale.ROOT, "%,d sessions per process do not fit in %d open files"
          + " (a socket each, plus ~500 for the JVM): use more --processes (or a smaller --per-process)",
        largestShare, files[0]));
    }
    if (portsPerAddress > 0 && o.perSource() + 256 > portsPerAddress) {
      throw new Failure(String.format(Locale.ROOT, "--per-source %,d is more than the %,d ephemeral ports of one"
        + " source address", o.perSource(), portsPerAddress));
    }
    int last = o.firstSource() + k * perClient - 1;
    if (o.firstSource() < 2 || last > 254) {
      throw new Failure("source addresses 127.0.0." + o.firstSource() + " .. 127.0.0." + last
        + " are not all in 127.0.0.2 .. 127.0.0.254: raise --per-source");
    }
  }

  /** Client i's block of source addresses, comma-separated. */
  private String sources(int i, int perClient) {
    List<String> block = new ArrayList<>();
    for (int j = 0; j < perClient; j++) {
      block.add("127.0.0." + (o.firstSource() + i * perClient + j));
    }
    return String.join(",", block);
  }

  // ---- phases ----

  private void warmUp() throws Exception {
    int perClient = o.warmup();
    double rate = Math.max(1.0, (double) o.rate() / clients.size());
    System.out.printf(Locale.ROOT, "warm-up: %,d sessions per server opened and closed again%n", perClient);
    clients.forEach(c -> c.send("open " + perClient + " " + rate));
    long deadline = System.currentTimeMillis() + WARMUP_TIMEOUT_MS;
    awaitFreshStatus();
    while (!allSettled(perClient)) {
      checkAlive();
      if (System.currentTimeMillis() > deadline) {
        throw new Failure("the warm-up sessions did not all open within " + WARMUP_TIMEOUT_MS / 1000 + " s: "
          + summary(statuses()));
      }
      Thread.sleep(200);
    }
    System.out.println("  " + summary(statuses()));
    Thread.sleep(1_000);
    closeAll();
    Thread.sleep(3_000);
  }

  private void closeAll() throws Exception {
    long[] closedBefore = clients.stream().mapToLong(IdleSessionsChild::closedCount).toArray();
    clients.forEach(c -> c.send("closeall"));
    long deadline = System.currentTimeMillis() + CLOSE_TIMEOUT_MS;
    for (int i = 0; i < clients.size(); i++) {
      while (clients.get(i).closedCount() <= closedBefore[i]) {
        checkAlive();
        if (System.currentTimeMillis() > deadline) {
          throw new Failure(clients.get(i).name + " did not close its sessions within " + CLOSE_TIMEOUT_MS / 1000
            + " s");
        }
        Thread.sleep(100);
      }
    }
  }

  /** Opens every share and prints progress each second; returns the milliseconds it took. */
  private long open(int[] shares) throws Exception {
    double rate = (double) o.rate() / clients.size();
    System.out.printf(Locale.ROOT, "opening %,d sessions (%,.0f/s per client process, %,d/s in total)%n",
      o.sessions(), rate, o.rate());
    long start = System.currentTimeMillis();
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).send("open " + shares[i] + " " + rate);
    }
    long deadline = start + 120_000 + 5_000L * o.sessions() / o.rate();
    awaitFreshStatus();
    int lastOpen = 0;
    long lastPrint = start;
    while (true) {
      Thread.sleep(1_000);
      checkAlive();
      List<IdleSessionsChild.Status> s = statuses();
      int openNow = total(s, IdleSessionsChild.Status::open);
      long now = System.currentTimeMillis();
      boolean settled = allSettledShares(shares);
      if (settled || now - lastPrint >= 1_000) {
        System.out.printf(Locale.ROOT, "  %5.1f s  open %,d / %,d  (+%,.0f/s)  connecting %,d  failed %,d"
            + "  dropped %,d%n", (now - start) / 1000.0, openNow, o.sessions(),
          (openNow - lastOpen) * 1000.0 / Math.max(1, now - lastPrint), total(s, IdleSessionsChild.Status::connecting),
          total(s, IdleSessionsChild.Status::failed), total(s, IdleSessionsChild.Status::dropped));
        lastOpen = openNow;
        lastPrint = now;
      }
      if (settled) {
        long took = now - start;
        System.out.printf(Locale.ROOT, "opened %,d of %,d sessions in %.1f s (%,.0f sessions/s); %,d failed%n",
          openNow, o.sessions(), took / 1000.0, openNow * 1000.0 / Math.max(1, took),
          total(s, IdleSessionsChild.Status::failed));
        return took;
      }
      if (now > deadline) {
        throw new Failure("the sessions did not all open (or fail) within " + (deadline - start) / 1000 + " s: "
          + summary(s));
      }
    }
  }

  private void hold() throws Exception {
    System.out.printf(Locale.ROOT, "holding for %d s (the server pings every %d ms)%n", o.holdSeconds(),
      o.pingInterval());
    long start = System.currentTimeMillis();
    long end = start + o.holdSeconds() * 1000L;
    while (System.currentTimeMillis() < end) {
      Thread.sleep(Math.min(5_000, Math.max(1, end - System.currentTimeMillis())));
      checkAlive();
      List<IdleSessionsChild.Status> s = statuses();
      System.out.printf(Locale.ROOT, "  %5.1f s  %s%n", (System.currentTimeMillis() - start) / 1000.0, summary(s));
    }
  }

  // ---- readings ----

  private List<IdleSessionsMemory.Reading> readAll(String when) throws Exception {
    List<IdleSessionsMemory.Reading> readings = new ArrayList<>();
    long start = System.currentTimeMillis();
    for (IdleSessionsChild s : servers) {
      checkAlive();
      long statsBefore = s.statsCount();
      IdleSessionsMemory.Reading heap = IdleSessionsMemory.read(s.pid(), null);
      s.send("stats");
      long deadline = System.currentTimeMillis() + 10_000;
      while (s.statsCount() == statsBefore && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      readings.add(new IdleSessionsMemory.Reading(heap.heapLive(), heap.heapInstances(), heap.classes(), heap.rss(),
        heap.sockets(), s.statsCount() > statsBefore ? s.stats() : "(no answer)"));
    }
    System.out.printf(Locale.ROOT, "memory %s (full GC by jcmd GC.class_histogram, %.1f s): live heap %s, VmRSS"
        + " %s%n", when, (System.currentTimeMillis() - start) / 1000.0,
      joinMb(readings.stream().mapToLong(IdleSessionsMemory.Reading::heapLive).toArray()),
      joinMb(readings.stream().mapToLong(IdleSessionsMemory.Reading::rss).toArray()));
    return readings;
  }

  // ---- report ----

  private void report(int[] shares, long openMs, List<IdleSessionsMemory.Reading> before,
                      List<IdleSessionsMemory.Reading> warm, List<IdleSessionsMemory.Reading> after,
                      List<IdleSessionsChild.Status> held, List<IdleSessionsChild.Status> last) throws Exception {
    System.out.println();
    System.out.println("RESULT");
    long heapSum = 0;
    long rssSum = 0;
    long heapWarmSum = 0;
    long rssWarmSum = 0;
    long sessionsSum = 0;
    for (int i = 0; i < servers.size(); i++) {
      IdleSessionsMemory.Reading b = before.get(i);
      IdleSessionsMemory.Reading a = after.get(i);
      int n = held.get(i).open();
      sessionsSum += n;
      heapSum += a.heapLive() - b.heapLive();
      rssSum += a.rss() - b.rss();
      System.out.printf(Locale.ROOT, "  %s (pid %d): %,d sessions held of %,d (server-side sockets %,d -> %,d)%n",
        servers.get(i).name, servers.get(i).pid(), n, shares[i], b.sockets(), a.sockets());
      System.out.printf(Locale.ROOT, "    live heap %s -> %s: %s B/session%n", mb(b.heapLive()), mb(a.heapLive()),
        perSession(a.heapLive() - b.heapLive(), n));
      System.out.printf(Locale.ROOT, "    VmRSS     %s -> %s: %s B/session%n", mb(b.rss()), mb(a.rss()),
        perSession(a.rss() - b.rss(), n));
      if (warm != null) {
        IdleSessionsMemory.Reading w = warm.get(i);
        heapWarmSum += a.heapLive() - w.heapLive();
        rssWarmSum += a.rss() - w.rss();
        System.out.printf(Locale.ROOT, "    from after the warm-up (heap %s, VmRSS %s): heap %s B/session, VmRSS %s"
            + " B/session%n", mb(w.heapLive()), mb(w.rss()), perSession(a.heapLive() - w.heapLive(), n),
          perSession(a.rss() - w.rss(), n));
      }
      System.out.println("    inside before: " + b.inside());
      System.out.println("    inside after:  " + a.inside());
    }
    System.out.printf(Locale.ROOT, "  overall: %,d sessions held on %d servers: live heap %s B/session, VmRSS %s"
        + " B/session (from before any session)%n", sessionsSum, servers.size(), perSession(heapSum, sessionsSum),
      perSession(rssSum, sessionsSum));
    if (warm != null) {
      System.out.printf(Locale.ROOT, "           from after the warm-up: live heap %s B/session, VmRSS %s"
        + " B/session%n", perSession(heapWarmSum, sessionsSum), perSession(rssWarmSum, sessionsSum));
    }
    System.out.printf(Locale.ROOT, "  goal <= 20 KB (%,d B)/session: heap %s, RSS %s%n", GOAL_BYTES,
      sessionsSum > 0 && heapSum / sessionsSum <= GOAL_BYTES ? "met" : "NOT met",
      sessionsSum > 0 && rssSum / sessionsSum <= GOAL_BYTES ? "met" : "NOT met");
    System.out.printf(Locale.ROOT, "  opened %,d of %,d in %.1f s (%,.0f/s); at the end: %s%n",
      total(held, IdleSessionsChild.Status::open) + total(held, IdleSessionsChild.Status::dropped), o.sessions(),
      openMs / 1000.0, o.sessions() * 1000.0 / Math.max(1, openMs), summary(last));
    int minPings = last.stream().mapToInt(IdleSessionsChild.Status::minPings).min().orElse(0);
    int maxPings = last.stream().mapToInt(IdleSessionsChild.Status::maxPings).max().orElse(0);
    System.out.printf(Locale.ROOT, "  heartbeats: every open session answered %d..%d pings (rounds); %,d pings in"
      + " all; %,d sessions without a ping for over pingInterval+pingTimeout+5 s%n", minPings, maxPings,
      total(last, s -> (int) Math.min(Integer.MAX_VALUE, s.pings())), total(last, IdleSessionsChild.Status::stale));
    classes(warm != null ? warm : before, warm != null ? "after the warm-up" : "before any session", after,
      sessionsSum);
    if (o.nmt()) {
      nmt();
    }
  }

  /** The classes whose live bytes grew most, summed over the servers, per session. */
  private void classes(List<IdleSessionsMemory.Reading> base, String baseName,
                       List<IdleSessionsMemory.Reading> after, long sessions) {
    if (sessions <= 0) {
      return;
    }
    Map<String, long[]> delta = new HashMap<>();
    for (int i = 0; i < after.size(); i++) {
      after.get(i).classes().forEach((name, v) -> delta.merge(name, v.clone(),
        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]}));
      base.get(i).classes().forEach((name, v) -> delta.merge(name, new long[] {-v[0], -v[1]},
        (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]}));
    }
    List<Map.Entry<String, long[]>> top = new ArrayList<>(delta.entrySet());
    top.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
    System.out.printf(Locale.ROOT, "  live heap growth by class (all servers, from %s), per session:%n",
      baseName);
    System.out.println("      objects     bytes  class");
    long shown = 0;
    for (Map.Entry<String, long[]> e : top.subList(0, Math.min(TOP_CLASSES, top.size()))) {
      shown += e.getValue()[1];
      System.out.printf(Locale.ROOT, "    %9.2f %9.1f  %s%n", (double) e.getValue()[0] / sessions,
        (double) e.getValue()[1] / sessions, e.getKey());
    }
    long all = delta.values().stream().mapToLong(v -> v[1]).sum();
    System.out.printf(Locale.ROOT, "    (these %d classes: %.1f B/session of %.1f B/session)%n",
      Math.min(TOP_CLASSES, top.size()), (double) shown / sessions, (double) all / sessions);
    System.out.println("    Midnight's own classes:");
    for (Map.Entry<String, long[]> e : top) {
      if (e.getKey().startsWith("io.midnight.") && e.getValue()[1] > 0) {
        System.out.printf(Locale.ROOT, "    %9.2f %9.1f  %s%n", (double) e.getValue()[0] / sessions,
          (double) e.getValue()[1] / sessions, e.getKey());
      }
    }
  }

  private void nmt() throws Exception {
    IdleSessionsChild s = servers.get(0);
    String diff = IdleSessionsMemory.jcmd(s.pid(), "VM.native_memory", "summary.diff", "scale=KB");
    System.out.println("  native memory of " + s.name + " since the baseline (NMT summary.diff, committed):");
    for (String line : diff.split("\n")) {
      String t = line.strip();
      if (t.startsWith("Total:") || t.startsWith("-")) {
        System.out.println("    " + t.replaceAll("\\s{2,}", " "));
      }
    }
  }

  // ---- children ----

  private void awaitReady(List<IdleSessionsChild> children) throws Exception {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    for (IdleSessionsChild c : children) {
      while (c.ready() == null) {
        if (!c.isAlive()) {
          throw new Failure(c.name + " exited before it was ready; its log " + c.log + " ends with:\n"
            + c.logTail(20));
        }
        if (System.currentTimeMillis() > deadline) {
          throw new Failure(c.name + " was not ready within " + START_TIMEOUT_MS / 1000 + " s");
        }
        Thread.sleep(50);
      }
    }
  }

  private void checkAlive() throws Failure {
    for (IdleSessionsChild c : servers) {
      if (!c.isAlive()) {
        throw new Failure(c.name + " (pid " + c.pid() + ") died; its log " + c.log + " ends with:\n" + c.logTail(20));
      }
    }
    for (IdleSessionsChild c : clients) {
      if (!c.isAlive()) {
        throw new Failure(c.name + " (pid " + c.pid() + ") died; its log " + c.log + " ends with:\n" + c.logTail(20));
      }
    }
  }

  /** Waits until every client printed a status line after this call (at most 5 s). */
  private void awaitFreshStatus() throws Exception {
    long[] counts = clients.stream().mapToLong(IdleSessionsChild::statusCount).toArray();
    long deadline = System.currentTimeMillis() + 5_000;
    for (int i = 0; i < clients.size(); i++) {
      while (clients.get(i).statusCount() <= counts[i] + 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
    }
  }

  private List<IdleSessionsChild.Status> freshStatuses() throws Exception {
    awaitFreshStatus();
    return statuses();
  }

  private List<IdleSessionsChild.Status> statuses() {
    return clients.stream().map(IdleSessionsChild::status).toList();
  }

  private boolean allSettled(int target) {
    return clients.stream().map(IdleSessionsChild::status)
      .allMatch(s -> s.target() == target && s.started() == target && s.connecting() == 0);
  }

  private boolean allSettledShares(int[] shares) {
    for (int i = 0; i < clients.size(); i++) {
      IdleSessionsChild.Status s = clients.get(i).status();
      if (s.target() != shares[i] || s.started() != shares[i] || s.connecting() != 0) {
        return false;
      }
    }
    return true;
  }

  /** Stops every child this run started, clients first (they close their sockets), each by its process handle. */
  private synchronized void stopAll() {
    if (stoppedAll) {
      return;
    }
    stoppedAll = true;
    clients.forEach(IdleSessionsChild::requestStop);
    clients.forEach(IdleSessionsChild::stop);
    servers.forEach(IdleSessionsChild::requestStop);
    servers.forEach(IdleSessionsChild::stop);
    long left = servers.stream().filter(IdleSessionsChild::isAlive).count()
      + clients.stream().filter(IdleSessionsChild::isAlive).count();
    System.out.println("stopped " + (servers.size() + clients.size()) + " child processes"
      + (left > 0 ? " (" + left + " still running!)" : ""));
  }

  // ---- helpers ----

  private static String summary(List<IdleSessionsChild.Status> s) {
    return String.format(Locale.ROOT, "open %,d, connecting %,d, failed %,d, dropped %,d, pings %,d (per session"
        + " %d..%d), stale %,d, errors %,d", total(s, IdleSessionsChild.Status::open),
      total(s, IdleSessionsChild.Status::connecting), total(s, IdleSessionsChild.Status::failed),
      total(s, IdleSessionsChild.Status::dropped), s.stream().mapToLong(IdleSessionsChild.Status::pings).sum(),
      s.stream().mapToInt(IdleSessionsChild.Status::minPings).min().orElse(0),
      s.stream().mapToInt(IdleSessionsChild.Status::maxPings).max().orElse(0),
      total(s, IdleSessionsChild.Status::stale), total(s, IdleSessionsChild.Status::errors));
  }

  private static int total(List<IdleSessionsChild.Status> s,
                           java.util.function.ToIntFunction<IdleSessionsChild.Status> f) {
    return s.stream().mapToInt(f).sum();
  }

  private static String describe(List<IdleSessionsChild> children) {
    StringBuilder sb = new StringBuilder("pids");
    for (IdleSessionsChild c : children) {
      sb.append(' ').append(c.pid());
    }
    return sb.toString();
  }

  private static String perSession(long bytes, long sessions) {
    return sessions <= 0 ? "?" : String.format(Locale.ROOT, "%,d", bytes / sessions);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }

  private static String joinMb(long[] values) {
    List<String> parts = new ArrayList<>();
    for (long v : values) {
      parts.add(mb(v));
    }
    return String.join(", ", parts);
  }

  private static String joinInts(int[] values) {
    List<String> parts = new ArrayList<>();
    for (int v : values) {
      parts.add(Integer.toString(v));
    }
    return String.join(", ", parts);
  }
}
