package io.midnight.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** The report's {@code verification}: what the run proves about delivery, and its one-line verdict. */
final class Verification {

  private Verification() {
  }

  /** What the members of one room in one process saw, against the room's acked seqs. */
  record RoomTally(long lost, long duplicated, long outOfOrder) {

    static final RoomTally NONE = new RoomTally(0, 0, 0);

    RoomTally plus(RoomTally other) {
      return new RoomTally(lost + other.lost, duplicated + other.duplicated, outOfOrder + other.outOfOrder);
    }

    JsonObject toJson() {
      return new JsonObject().put("lost", lost).put("duplicated", duplicated).put("outOfOrder", outOfOrder);
    }

    static RoomTally fromJson(JsonObject json) {
      return new RoomTally(json.getLong("lost"), json.getLong("duplicated"), json.getLong("outOfOrder"));
    }
  }

  /**
   * Per room (in the order of {@code rooms}): every (acked message, member that joined) pair never received is
   * lost; a seq received twice, or one send under two seqs, is duplicated; a seq after a higher one is out of
   * order. {@code acked}: each room's acked seqs, of every process of the run.
   */
  static List<RoomTally> tally(List<RoomLedger> rooms, List<BitSet> acked, List<ClientVerticle.Result> results) {
    List<RoomTally> tallies = new ArrayList<>();
    for (int r = 0; r < rooms.size(); r++) {
      long roomId = rooms.get(r).roomId;
      long lost = 0;
      long duplicated = 0;
      long outOfOrder = 0;
      for (ClientVerticle.Result result : results) {
        if (result.room() != roomId || !result.everJoined()) {
          continue;
        }
        BitSet missing = (BitSet) acked.get(r).clone();
        missing.andNot(result.received());
        lost += missing.cardinality();
        duplicated += result.duplicates();
        outOfOrder += result.outOfOrder();
      }
      tallies.add(new RoomTally(lost, duplicated, outOfOrder));
    }
    return tallies;
  }

  /**
   * The verdict over {@code tallies} (one per room). {@code lastSeqs} holds each room's last stored seq after the
   * run (null where the target cannot say: the store is then not checked); {@code storeError}, when not null, is
   * why a store that should have answered did not. {@code unverified} names what makes the run unprovable (a load
   * worker that died with its users' records): any of it fails the verdict.
   */
  static JsonObject ofDelivery(List<RoomLedger> rooms, List<RoomTally> tallies, List<Long> lastSeqs, long sent,
                               String storeError, List<String> unverified) {
    long lost = 0;
    long duplicated = 0;
    long outOfOrder = 0;
    long storedTotal = 0;
    long ackedTotal = 0;
    boolean storeChecked = true;
    JsonArray perRoom = new JsonArray();
    for (int r = 0; r < rooms.size(); r++) {
      RoomLedger room = rooms.get(r);
      RoomTally tally = tallies.get(r);
      long acked = room.ackedSeqs().cardinality();
      Long last = lastSeqs.get(r);
      storeChecked &= last != null;
      long roomStored = last == null ? 0 : last - room.baseSeq();
      perRoom.add(new JsonObject().put("room", room.roomId).put("name", room.name).put("members", room.members())
        .put("acked", acked).put("stored", last == null ? null : roomStored).put("lost", tally.lost())
        .put("duplicated", tally.duplicated()).put("outOfOrder", tally.outOfOrder()));
      lost += tally.lost();
      duplicated += tally.duplicated();
      outOfOrder += tally.outOfOrder();
      storedTotal += roomStored;
      ackedTotal += acked;
    }
    Long stored = storeChecked ? storedTotal : null;
    boolean storedMatches = stored == null || stored == ackedTotal;
    String verdict;
    if (!unverified.isEmpty()) {
      verdict = String.format("FAILED: not verified: %s (%d lost, %d duplicated, %d out of order among the rest)",
        String.join("; ", unverified), lost, duplicated, outOfOrder);
    } else if (lost == 0 && duplicated == 0 && outOfOrder == 0 && storedMatches) {
      verdict = "verified: 0 lost, 0 duplicated, 0 out of order" + (stored == null
        ? storeError == null ? " (store not checked)" : " (store not checked: " + storeError + ")" : "");
    } else {
      verdict = String.format("FAILED: %d lost, %d duplicated, %d out of order%s", lost, duplicated, outOfOrder,
        storedMatches ? "" : String.format(", stored %d but acked %d", stored, ackedTotal));
    }
    return new JsonObject()
      .put("lost", lost).put("duplicated", duplicated).put("outOfOrder", outOfOrder)
      .put("sent", sent).put("acked", ackedTotal).put("stored", stored)
      .put("storeChecked", stored != null).put("storedMatchesAcked", stored == null ? null : storedMatches)
      .put("storeCheckError", storeError)
      .put("unverified", new JsonArray(List.copyOf(unverified)))
      .put("verdict", verdict)
      .put("rooms", perRoom);
  }

  /** A connection test: every user joined and stayed connected for the whole hold. */
  static JsonObject ofConnections(int users, int joined, int held, int seconds, List<String> unverified) {
    boolean ok = joined == users && held == users && unverified.isEmpty();
    return new JsonObject().put("lost", 0).put("duplicated", 0).put("outOfOrder", 0).put("sent", 0).put("acked", 0)
      .put("stored", 0).put("storeChecked", true).put("storedMatchesAcked", true)
      .put("verdict", ok ? String.format("verified: held %,d of %,d connections for %d s", held, users, seconds)
        : String.format("FAILED: %,d of %,d joined, at least %,d held throughout%s", joined, users, held,
          unverified.isEmpty() ? "" : "; not verified: " + String.join("; ", unverified)))
      .put("unverified", new JsonArray(List.copyOf(unverified)))
      .put("rooms", new JsonArray());
  }
}
