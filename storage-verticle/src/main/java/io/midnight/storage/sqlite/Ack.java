package io.midnight.storage.sqlite;

/** What a durable append answers; a retry with the same key gets the same ack marked {@code duplicate}. */
record Ack(long id, long room, long seq, long ts, boolean duplicate) {

  Ack asDuplicate() {
    return new Ack(id, room, seq, ts, true);
  }
}
