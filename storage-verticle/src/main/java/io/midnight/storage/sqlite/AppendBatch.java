package io.midnight.storage.sqlite;

import io.midnight.common.AppendReply;
import io.midnight.common.AppendRequest;
import io.midnight.common.ServiceException;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends the messages of one {@link AppendRequest} as one writer operation, one result per message, in order.
 * It remembers how far it got: when the active shard fills up halfway, the writer commits, rolls, and re-applies
 * it from the first message not yet appended.
 */
final class AppendBatch implements GroupCommitWriter.Operation<AppendReply> {

  private final List<AppendRequest.Item> items;
  private final List<AppendReply.Result> results;
  private int next;

  AppendBatch(AppendRequest request) {
    this.items = request.messages();
    this.results = new ArrayList<>(items.size());
  }

  int size() {
    return items.size();
  }

  @Override
  public AppendReply apply(WriterState state) throws SQLException {
    for (; next < items.size(); next++) {
      AppendRequest.Item m = items.get(next);
      try {
        Ack ack = state.append(m.roomId(), m.senderId(), m.sender(), m.text(), m.clientMsgId());
        results.add(AppendReply.Result.ack(ack.id(), ack.room(), ack.seq(), ack.ts(), ack.duplicate()));
      } catch (ServiceException e) {
        results.add(AppendReply.Result.failure(e.code(), e.getMessage()));
      }
    }
    return new AppendReply(results);
  }
}
