package io.midnight.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.BitSet;
import java.util.List;

/** The report's {@code verification}: what the run proves about delivery, and its one-line verdict. */
final class Verification {

  private Verification() {
  }

  /**
   * Per room: every (acked message, member that joined) pair never received is lost; a seq received twice, or
   * one send under two seqs, is duplicated; a seq after a higher one is out of order. {@code lastSeqs} holds each
   * room's last stored seq after the run (null where the target cannot say: the store is then not checked);
   * {@code storeError}, when not null, is why a store that should have answered did not.
   */
  static JsonObject ofDelivery(List<RoomLedger> rooms, List<ClientVerticle.Result> results, List<Long> lastSeqs,
                               long sent, String storeError) {
    long lost = 0;
    long duplicated = 0;
    long outOfOrder = 0;
    long storedTotal = 0;
    long ackedTotal = 0;
    boolean storeChecked = true;
    JsonArray perRoom = new JsonArray();
    for (int r = 0; r < rooms.size(); r++) {
      RoomLedger room = rooms.get(r);
      BitSet acked = room.ackedSeqs();
      long roomLost = 0;
      long roomDup = 0;
      long roomOoo = 0;
      for (ClientVerticle.Result result : results) {
        if (result.room() != room.roomId || !result.everJoined()) {
          continue;
        }
        BitSet missing = (BitSet) acked.clone();
        missing.andNot(result.received());
        roomLost += missing.cardinality();
        roomDup += result.duplicates();
        roomOoo += result.outOfOrder();
      }
      Long last = lastSeqs.get(r);
      storeChecked &= last != null;
      long roomStored = last == null ? 0 : last - room.baseSeq();
      perRoom.add(new JsonObject().put("room", room.roomId).put("name", room.name).put("members", room.members())
        .put("acked", acked.cardinality()).put("stored", last == null ? null : roomStored).put("lost", roomLost)
        .put("duplicated", roomDup).put("outOfOrder", roomOoo));
      lost += roomLost;
      duplicated += roomDup;
      outOfOrder += roomOoo;
      storedTotal += roomStored;
      ackedTotal += acked.cardinality();
    }
    Long stored = storeChecked ? storedTotal : null;
    boolean storedMatches = stored == null || stored == ackedTotal;
    String verdict = lost == 0 && duplicated == 0 && outOfOrder == 0 && storedMatches
      ? "verified: 0 lost, 0 duplicated, 0 out of order" + (stored == null
        ? storeError == null ? " (store not checked)" : " (store not checked: " + storeError + ")" : "")
      : String.format("FAILED: %d lost, %d duplicated, %d out of order%s", lost, duplicated, outOfOrder,
        storedMatches ? "" : String.format(", stored %d but acked %d", stored, ackedTotal));
    return new JsonObject()
      .put("lost", lost).put("duplicated", duplicated).put("outOfOrder", outOfOrder)
      .put("sent", sent).put("acked", ackedTotal).put("stored", stored)
      .put("storeChecked", stored != null).put("storedMatchesAcked", stored == null ? null : storedMatches)
      .put("storeCheckError", storeError)
      .put("verdict", verdict)
      .put("rooms", perRoom);
  }

  /** A connection test: every user joined and stayed connected for the whole hold. */
  static JsonObject ofConnections(int users, int joined, int held, int seconds) {
    boolean ok = joined == users && held == users;
    return new JsonObject().put("lost", 0).put("duplicated", 0).put("outOfOrder", 0).put("sent", 0).put("acked", 0)
      .put("stored", 0).put("storeChecked", true).put("storedMatchesAcked", true)
      .put("verdict", ok ? String.format("verified: held %,d of %,d connections for %d s", held, users, seconds)
        : String.format("FAILED: %,d of %,d joined, at least %,d held throughout", joined, users, held))
      .put("rooms", new JsonArray());
  }
}
