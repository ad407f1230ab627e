package io.midnight.storage;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * The storage verticle's slice of the configuration ({@code dataDir} and {@code storage.*}).
 *
 * @param dataDir             where {@code catalog.db} and {@code messages/} live
 * @param maxMessagesPerShard messages in the active shard before it is sealed and the next one opened
 * @param retainShards        sealed shards to keep; older ones are deleted (0 keeps all)
 * @param maxBatch            requests one group commit may hold
 * @param readerThreads       threads (each with its own read-only connections) serving history, search and lookups
 */
public record StorageOptions(Path dataDir, int maxMessagesPerShard, int retainShards, int maxBatch, int readerThreads) {

  public static final String DEFAULT_DATA_DIR = "./data";
  public static final int DEFAULT_MAX_MESSAGES_PER_SHARD = 100_000;
  public static final int DEFAULT_RETAIN_SHARDS = 0;
  public static final int DEFAULT_MAX_BATCH = 4_000;
  public static final int DEFAULT_READER_THREADS = 4;

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
  }

  /** Reads {@code {dataDir, storage: {...}}}; a missing key takes its {@code DEFAULT_*}. */
  public static StorageOptions fromConfig(JsonObject config) {
    JsonObject storage = config.getJsonObject("storage", new JsonObject());
    return new StorageOptions(
      Path.of(config.getString("dataDir", DEFAULT_DATA_DIR)),
      storage.getInteger("maxMessagesPerShard", DEFAULT_MAX_MESSAGES_PER_SHARD),
      storage.getInteger("retainShards", DEFAULT_RETAIN_SHARDS),
      storage.getInteger("maxBatch", DEFAULT_MAX_BATCH),
      storage.getInteger("readerThreads", DEFAULT_READER_THREADS));
  }

  public StorageOptions withMaxBatch(int batch) {
    return new StorageOptions(dataDir, maxMessagesPerShard, retainShards, batch, readerThreads);
  }
}
