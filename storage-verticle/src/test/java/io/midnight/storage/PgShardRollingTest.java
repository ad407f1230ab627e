package io.midnight.storage;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ShardRollingTest} on the PostgreSQL backend: shards are partitions of {@code messages}. */
class PgShardRollingTest extends ShardRollingTest {

  @RegisterExtension
  final PgTestDatabase.PerTest database = new PgTestDatabase.PerTest();

  @Override
  JsonObject storage(JsonObject storage) {
    return database.storage(storage);
  }

  /** The partitions attached to {@code messages} up to the active one (stats tells which). */
  @Override
  List<String> shardNames() {
    String active = store().stats().getJsonObject("shards").getString("active");
    return database.db().query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'messages' ORDER BY c.relname").stream()
      .map(r -> r.getString(0)).filter(name -> name.compareTo(active) <= 0).toList();
  }

  @Override
  String shardName(int number) {
    return String.format("messages_%06d", number);
  }

  @Test
  void theNextPartitionExistsBeforeItIsNeeded() {
    store().append(List.of(StorageHarness.message(1, 1, "one", null)), 1);
    List<Row> partitions = database.db().query("SELECT shard, min_id, max_id FROM shards ORDER BY shard");
    assertThat(partitions).extracting(r -> r.getInteger(0)).containsExactly(1, 2);
    assertThat(partitions.get(1).getLong(1)).isEqualTo(1_001);
    assertThat(store().stats().getJsonObject("shards").getInteger("ahead")).isEqualTo(1);
  }
}
