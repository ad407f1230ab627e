package io.midnight.loadtest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Where a run's simulated users live: in this process ({@link LocalFleet}) or in load worker processes
 * ({@link WorkerFleet}). Either way the run's {@link RunStats} and {@link RoomLedger}s in this process hold the
 * figures and acks of every user, so the phases, the live view and the report do not depend on which.
 */
interface Fleet {

  /** What verification found among a fleet's users: per room (in the run's order), and its users' totals. */
  record Outcome(List<Verification.RoomTally> rooms, long everJoined, long reconnects) {
  }

  /** Completes when the fleet can take users (its workers started and said hello). */
  Future<Void> ready();

  /**
   * Connects and joins every user (user i with {@code tokens.get(i)} in room {@code i % rooms}), at most a connect
   * window in flight, user i not before {@code pace} when one is given, each sending on {@code plan} as soon as it
   * joined when a plan is given. Completes when every user is in or has given up.
   */
  Future<Void> connect(List<String> tokens, List<RoomLedger> rooms, ConnectPace pace, SendPlan plan);

  /** Every user that joined sends on {@code plan} from now. */
  void startSending(SendPlan plan);

  /** From now on no user sends anything new (retries of what was sent go on). */
  void requestStop();

  /** Users whose client was created so far. */
  int created();

  /** The most connects in flight at once. */
  int connectPeak();

  /** Sends neither acked nor given up yet. */
  long unsettled();

  /** After the drain: every member's deliveries checked against the rooms' acked seqs (of every process). */
  Future<Outcome> verify(List<RoomLedger> rooms);

  /** Why some users' deliveries cannot be verified (a worker that died); empty when nothing stands in the way. */
  List<String> unverifiable();

  /** The worker processes and what each did (empty for users in this process). */
  JsonArray workers();

  /** CPU seconds the fleet's worker processes used (0 for users in this process: they count in its own). */
  double workerCpuSeconds();

  /** Closes every user's socket and what the fleet opened. */
  Future<Void> close();
}
