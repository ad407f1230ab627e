package io.midnight.storage;

import io.midnight.common.config.Defaults;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The storage verticle's slice of the configuration ({@code dataDir} and {@code storage.*}).
 *
 * @param dataDir             where {@code catalog.db} and {@code messages/} live (SQLite backend)
 * @param maxMessagesPerShard messages in the active shard (SQLite file, PostgreSQL partition) before the next one
 * @param retainShards        sealed shards to keep; older ones are deleted (0 keeps all)
 * @param maxBatch            requests one group commit may hold
 * @param readerThreads       threads (each with its own read-only connections) serving history, search and lookups
 * @param backend             {@code sqlite} (embedded files) or {@code postgres} (a shared server)
 * @param postgresUrl         {@code postgresql://user@host:port/database} when the backend is {@code postgres}
 * @param postgresPoolSize    connections for reads and catalog writes, besides the appends' own connection
 * @param verifyInBackground  check sealed shards' checksums after serving starts instead of before (large stores)
 * @param quarantineDamaged   start with a damaged sealed shard set aside instead of refusing to start
 * @param minFreeBytes        free space below which writes are refused with {@code disk_full} (and not ready)
 */
public record StorageOptions(Path dataDir, int maxMessagesPerShard, int retainShards, int maxBatch, int readerThreads,
                             String backend, String postgresUrl, int postgresPoolSize, boolean verifyInBackground,
                             boolean quarantineDamaged, long minFreeBytes) {

  public static final String SQLITE = "sqlite";
  public static final String POSTGRES = "postgres";

  public StorageOptions {
    if (maxMessagesPerShard < 1) {
      throw new IllegalArgumentException("storage.maxMessagesPerShard must be >= 1, got " + maxMessagesPerShard);
    }
    if (retainShards < 0) {
      throw new IllegalArgumentException("storage.retainShards must be >= 0, got " + retainShards);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("storage.maxBatch must be >= 1, got " + maxBatch);
    }
    if (readerThreads < 1) {
      throw new IllegalArgumentException("storage.readerThreads must be >= 1, got " + readerThreads);
    }
    backend = backend == null || backend.isBlank() ? SQLITE : backend.trim().toLowerCase(Locale.ROOT);
    if (!backend.equals(SQLITE) && !backend.equals(POSTGRES)) {
      throw new IllegalArgumentException("storage.backend must be sqlite or postgres, got '" + backend + "'");
    }
    if (backend.equals(POSTGRES) && (postgresUrl == null || postgresUrl.isBlank())) {
      throw new IllegalArgumentException("storage.backend postgres needs storage.postgres.url "
        + "(MIDNIGHT_STORAGE_POSTGRES_URL), e.g. postgresql://midnight@127.0.0.1:5432/midnight");
    }
    if (postgresPoolSize < 1) {
      throw new IllegalArgumentException("storage.postgres.poolSize must be >= 1, got " + postgresPoolSize);
    }
  }

  /** {@code storage} config that stores in the PostgreSQL database at {@code url}. */
  public static JsonObject postgres(JsonObject storage, String url) {
    return storage.copy().put("backend", POSTGRES).put("postgres", new JsonObject().put("url", url));
  }

  /** Reads {@code {dataDir, storage: {..., postgres: {url, poolSize}}}}; a missing key takes its default ({@link Defaults}). */
  public static StorageOptions fromConfig(JsonObject config) {
    JsonObject storage = Defaults.section(config, "storage");
    JsonObject postgres = storage.getJsonObject("postgres");
    return new StorageOptions(
      Path.of(Defaults.dataDir(config)),
      storage.getInteger("maxMessagesPerShard"),
      storage.getInteger("retainShards"),
      storage.getInteger("maxBatch"),
      storage.getInteger("readerThreads"),
      storage.getString("backend"),
      postgres.getString("url"),
      postgres.getInteger("poolSize"),
      verifyMode(storage.getString("verify")),
      storage.getBoolean("quarantineDamaged"),
      storage.getLong("minFreeMegabytes") << 20);
  }

  private static boolean verifyMode(String mode) {
    return switch (mode) {
      case "before-serving" -> false;
      case "background" -> true;
      default -> throw new IllegalArgumentException("storage.verify must be before-serving or background, got '"
        + mode + "'");
    };
  }
}
