package io.midnight.storage;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded store's files hold password hashes (catalog) and the chat (shards): only their owner may read them,
 * the WAL files too, and only the owner may list the data directory; a store from before (0644 files) is tightened
 * when it opens.
 */
class FileModesTest {

  @TempDir
  Path dir;

  @Test
  void theCatalogTheShardsAndTheirWalFilesAreTheOwnersOnly() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("messages"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Vertx vertx = Vertx.vertx();
    try {
      StorageHarness store = new StorageHarness(vertx, data, new JsonObject()).start();
      store.seedRooms(1);
      store.appendOne(StorageHarness.message(1, 1, "private", "m1")); // writes the shard and both WALs
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("messages"))).isEqualTo("rwx------");
      try (var files = Files.list(data)) {
        files.filter(f -> f.getFileName().toString().startsWith("catalog.db"))
          .forEach(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
      }
      assertThat(data.resolve("catalog.db-wal")).exists();
      try (var shards = Files.list(data.resolve("messages"))) {
        assertThat(shards.toList()).isNotEmpty().allSatisfy(f -> assertThat(mode(f)).as(f.toString())
          .isEqualTo("rw-------"));
      }
    } finally {
      vertx.close().await();
    }
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
