package io.midnight.loadtest;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Any Socket.IO chat server that speaks the chat events (loadtest/README.md, "Other servers"): the user name is
 * the token, rooms are numbered freshly for each run so they start at seq 0, and the store is not checked.
 */
final class PlainTarget implements Target {

  private final String runId;

  PlainTarget(String runId) {
    this.runId = runId;
  }

  @Override
  public Future<List<String>> users(List<String> names) {
    return Future.succeededFuture(names);
  }

  @Override
  public Future<List<RoomLedger>> rooms(int count) {
    long first = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 1_000;
    List<RoomLedger> rooms = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      rooms.add(new RoomLedger(first + n, "load " + runId + " #" + (n + 1), 0));
    }
    return Future.succeededFuture(rooms);
  }

  @Override
  public Future<Long> lastSeq(RoomLedger room) {
    return Future.succeededFuture(null);
  }

  @Override
  public String describe() {
    return "a Socket.IO server without Midnight's API: users are made up, the store is not checked";
  }
}
