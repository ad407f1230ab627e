package io.midnight.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, in its own {@link TargetProcess}: its label, port, one token per simulated user and the
 * room ids to spread them over. Closing it stops the process.
 */
record FanoutTarget(String name, int port, List<String> tokens, List<Integer> roomIds, TargetProcess process)
  implements AutoCloseable {

  /** The target could not be measured here, for a reason worth a line (not a failure of the bench). */
  static final class Skipped extends RuntimeException {
    Skipped(String reason) {
      super(reason);
    }
  }

  /** The bare ceiling: {@code midnight bench bare-server} on {@code loops} event loops; any token, rooms 1..n. */
  static FanoutTarget bare(Path dir, FanoutOptions options) throws IOException, InterruptedException {
    int port = TargetProcess.freePort();
    List<String> command = TargetProcess.midnightCommand(options.serverJavaOptions(), List.of("bench", "bare-server",
      "--port", Integer.toString(port), "--event-loops", Integer.toString(options.bareLoops()), "--exit-with-parent"));
    TargetProcess process = TargetProcess.start("bare", command, null, Map.of(), dir.resolve("bare.log"), port);
    return new FanoutTarget("bare", port, plainTokens(options.conns()), plainRooms(options.rooms()), process);
  }

  /**
   * Stock socket.io 4.8 ({@code bench/socketio-node/server.js} under Node.js), installed from its lockfile first;
   * skipped when Node.js or npm is missing or the directory cannot be found.
   */
  static FanoutTarget socketIo(Path dir, FanoutOptions options, Path serverDir) throws IOException, InterruptedException {
    if (serverDir == null || !Files.isRegularFile(serverDir.resolve("server.js"))) {
      throw new Skipped("bench/socketio-node/server.js not found (run from the repository root or pass --socketio-dir)");
    }
    for (String tool : List.of("node", "npm")) {
      if (!onPath(tool)) {
        throw new Skipped(tool + " is not on the PATH (install Node.js 18+ to measure stock socket.io)");
      }
    }
    Path npmLog = dir.resolve("socketio-npm.log");
    Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(serverDir.toFile())
      .redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
    if (!npm.waitFor(300, TimeUnit.SECONDS)) {
      npm.destroyForcibly();
      throw new Skipped("npm ci in " + serverDir + " took over 300 s (log " + npmLog + ")");
    }
    if (npm.exitValue() != 0) {
      throw new Skipped("npm ci in " + serverDir + " failed (log " + npmLog + ")");
    }
    int port = TargetProcess.freePort();
    TargetProcess process = TargetProcess.start("socket.io", List.of("node", "server.js"), serverDir,
      Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(port), "EXIT_WITH_PARENT", "1"),
      dir.resolve("socketio.log"), port);
    return new FanoutTarget("socket.io", port, plainTokens(options.conns()), plainRooms(options.rooms()), process);
  }

  /** {@code bench/socketio-node} next to the jar's checkout ({@code app/target/midnight.jar}), else under the working directory. */
  static Path defaultSocketIoDir() {
    String classPath = System.getProperty("java.class.path", "");
    List<Path> candidates = new ArrayList<>();
    if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
      Path root = Path.of(classPath).toAbsolutePath().getParent();
      for (int up = 0; up < 2 && root != null; up++) {
        root = root.getParent();
      }
      if (root != null) {
        candidates.add(root.resolve("bench/socketio-node"));
      }
    }
    candidates.add(Path.of("bench/socketio-node").toAbsolutePath());
    return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("server.js"))).findFirst().orElse(null);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> plainTokens(int conns) {
    List<String> tokens = new ArrayList<>();
    for (int i = 1; i <= conns; i++) {
      tokens.add(String.format("b%05d", i));
    }
    return tokens;
  }

  private static List<Integer> plainRooms(int rooms) {
    List<Integer> roomIds = new ArrayList<>();
    for (int r = 1; r <= rooms; r++) {
      roomIds.add(r);
    }
    return roomIds;
  }

  @Override
  public void close() {
    process.close();
  }
}
