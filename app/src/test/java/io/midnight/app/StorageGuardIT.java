package io.midnight.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two SQLite stores in one cluster would be two histories with their own seqs: a second storage node on SQLite
 * refuses to join a cluster that has one, says why, and exits; the first keeps serving.
 */
class StorageGuardIT {

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aSecondSqliteStorageNodeRefusesToJoin() throws Exception {
    int[] hz = {MidnightProcess.freePort(), MidnightProcess.freePort()};
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1];
    Map<String, String> env = Map.of("MIDNIGHT_AUTH_JWT_KEY", "storage-guard-it-signing-key-0123456789abcdef");
    try (MidnightProcess first = MidnightProcess.start(node(hz[0], members, "first"), 0, env, dir.resolve("first.log"))) {
      Path log = dir.resolve("second.log");
      assertThatThrownBy(() -> MidnightProcess.start(node(hz[1], members, "second"), 0, env, log).close())
        .hasMessageContaining("midnight exited with 1");
      assertThat(Files.readString(log)).contains("this cluster already has a storage node (sqlite)")
        .contains("--postgres");
      assertThat(first.process.isAlive()).isTrue();
    }
  }

  private List<String> node(int hzPort, String members, String name) {
    return List.of("run", "storage", "--cluster", "--cluster-port", String.valueOf(hzPort), "--members", members,
      "--data", dir.resolve(name).toString(), "--cluster-tls", MidnightProcess.clusterTls(dir, name).toString());
  }
}
