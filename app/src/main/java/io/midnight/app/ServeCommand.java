package io.midnight.app;

import io.midnight.storage.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code midnight serve}: every verticle in one JVM on the embedded store, until SIGINT or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
  description = {"Run Midnight: HTTP API, user and message services and the embedded store in one JVM.",
    "Configuration: built-in defaults < --config FILE < MIDNIGHT_* environment variables < flags."})
class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--port", description = "HTTP port (default 4000; MIDNIGHT_HTTP_PORT)")
  Integer port;

  @Option(names = "--host", description = "address to listen on (default 0.0.0.0; MIDNIGHT_HTTP_HOST)")
  String host;

  @Option(names = "--data", paramLabel = "DIR", description = "data directory (default ./data; MIDNIGHT_DATA_DIR)")
  String data;

  @Option(names = "--config", paramLabel = "FILE", description = "a JSON or YAML configuration file")
  String config;

  @Option(names = "--postgres", paramLabel = "URL", description = {"store in this PostgreSQL database instead of "
    + "the embedded files, e.g. postgresql://midnight@127.0.0.1:5432/midnight (schema created at start;",
    "MIDNIGHT_STORAGE_BACKEND=postgres with MIDNIGHT_STORAGE_POSTGRES_URL)"})
  String postgres;

  @Option(names = "--verify", paramLabel = "WHEN", description = {"when the sealed shards' checksums are compared: "
    + "before-serving (default) or background (large stores start at once; a damaged shard found later is set "
    + "aside); MIDNIGHT_STORAGE_VERIFY"})
  String verify;

  @Option(names = "--quarantine-damaged", description = "start with damaged sealed shards set aside (their messages "
    + "not served, /health degraded) instead of refusing to start")
  boolean quarantineDamaged;

  /** For a server started by the load tool: the port goes to this file once the server is up. */
  @Option(names = "--port-file", paramLabel = "FILE", hidden = true)
  Path portFile;

  /** For a server started by the load tool: standard input closing (its parent gone, even by SIGKILL) stops it. */
  @Option(names = "--exit-with-parent", hidden = true)
  boolean exitWithParent;

  /** For a server on a temporary data directory: removed once stopped, even when the parent died first. */
  @Option(names = "--remove-data-on-exit", hidden = true)
  boolean removeDataOnExit;

  private volatile String resolvedDataDir;

  @Override
  public Integer call() throws InterruptedException {
    JsonObject flags = new JsonObject();
    if (port != null) {
      flags.put("http", new JsonObject().put("port", port));
    }
    if (host != null) {
      flags.put("http", flags.getJsonObject("http", new JsonObject()).put("host", host));
    }
    if (data != null) {
      flags.put("dataDir", data);
    }
    if (postgres != null) {
      flags.put("storage", StorageOptions.postgres(new JsonObject(), postgres));
    }
    if (verify != null) {
      flags.put("storage", flags.getJsonObject("storage", new JsonObject()).put("verify", verify));
    }
    if (quarantineDamaged) {
      flags.put("storage", flags.getJsonObject("storage", new JsonObject()).put("quarantineDamaged", true));
    }
    Vertx vertx;
    try {
      parts(); // a bad verticle name stops here, before a cluster is joined
      vertx = vertx().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException | IllegalArgumentException e) {
      System.err.println("midnight: cannot start: " + (e instanceof ExecutionException ? e.getCause() : e).getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    MidnightNode.Deployed deployed;
    try {
      JsonObject resolved = MidnightNode.config(vertx, config, flags).toCompletionStage().toCompletableFuture().get();
      checkConfig(resolved);
      resolvedDataDir = resolved.getString("dataDir");
      deployed = MidnightNode.deploy(vertx, resolved, parts()).toCompletionStage().toCompletableFuture().get();
      String store = StorageOptions.fromConfig(resolved).backend().equals(StorageOptions.POSTGRES)
        ? "PostgreSQL" : resolved.getString("dataDir");
      if (deployed.port() > 0) {
        LOG.info("Midnight is up: http://127.0.0.1:{}/health (data in {})", deployed.port(), store);
      } else {
        LOG.info("Midnight {} is up (data in {})", parts(), store);
      }
    } catch (ExecutionException | IllegalArgumentException e) {
      System.err.println("midnight: cannot start: " + (e instanceof ExecutionException ? e.getCause() : e).getMessage());
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).exceptionally(x -> null).join();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: committing what is queued");
      deployed.stop(vertx).eventually(vertx::close).toCompletionStage().toCompletableFuture()
        .orTimeout(30, TimeUnit.SECONDS).exceptionally(x -> null).join();
      if (removeDataOnExit) {
        removeQuietly(Path.of(resolvedDataDir));
      }
      stopped.countDown();
    }, "midnight-shutdown"));
    if (exitWithParent) {
      Thread watcher = new Thread(ServeCommand::exitAtEndOfInput, "midnight-parent-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
    if (portFile != null) {
      try {
        Path temp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(temp, Integer.toString(deployed.port()));
        Files.move(temp, portFile, StandardCopyOption.ATOMIC_MOVE); // the reader never sees half a number
      } catch (IOException e) {
        System.err.println("midnight: cannot write the port to " + portFile + ": " + e.getMessage());
        System.exit(1);
      }
    }
    stopped.await();
    return 0;
  }

  /** The Vert.x this node runs on: standalone here, clustered in {@link RunCommand}. */
  Future<Vertx> vertx() {
    return Future.succeededFuture(MidnightNode.servingVertx());
  }

  /** What this node runs: everything here, a chosen few in {@link RunCommand}. */
  Set<MidnightNode.Part> parts() {
    return EnumSet.allOf(MidnightNode.Part.class);
  }

  /** A chance to refuse a configuration before anything is deployed. */
  void checkConfig(JsonObject resolved) {
  }

  private static void removeQuietly(Path dir) {
    try {
      LocalCluster.deleteTree(dir);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not remove {}: {}", dir, e.getMessage());
    }
  }

  private static void exitAtEndOfInput() {
    try {
      while (System.in.read() >= 0) {
        // the parent writes nothing: only the end matters
      }
    } catch (IOException e) {
      // a broken pipe means the parent is gone too
    }
    LOG.info("the process that started this server is gone: stopping");
    System.exit(0);
  }
}
