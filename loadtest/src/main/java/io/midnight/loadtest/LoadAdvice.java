package io.midnight.loadtest;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run will ask of the server, said before it starts, in figures the user can change: every message reaches
 * every member of its room, so deliveries grow with users x rate x room size, faster than a user expects.
 */
final class LoadAdvice {

  /**
   * Deliveries a second one 2-core Midnight node served with e2e p99 within 50 ms in {@code midnight bench fanout}
   * (bench/README.md: 120,000 to 220,000 across runs); a guide, not a limit.
   */
  static final double NODE_DELIVERIES_PER_SECOND = 150_000;

  private LoadAdvice() {
  }

  static List<String> lines(Preset preset, Countdown countdown) {
    List<String> out = new ArrayList<>();
    if (preset.kind() == Preset.Kind.CONNECTIONS) {
      return out;
    }
    double members = (double) preset.users() / preset.rooms();
    double base = preset.deliveriesPerSecond();
    if (base > NODE_DELIVERIES_PER_SECOND) {
      double fits = NODE_DELIVERIES_PER_SECOND / 2 / (preset.users() * members);
      out.add(String.format("warning: this run asks %,.0f deliveries/s for %d s (%,d users x %s msgs/s x %,.0f "
          + "members per room), and one 2-core Midnight node serves about %,.0f: sends will be refused and retried, "
          + "and latency will say so. To measure the server rather than its overload, lower --rate (%s keeps it at "
          + "%,.0f/s) or spread the users over more --rooms", base, preset.durationSeconds(), preset.users(),
        plain(preset.ratePerUser()), members, NODE_DELIVERIES_PER_SECOND, plain(fits),
        NODE_DELIVERIES_PER_SECOND / 2));
    }
    if (preset.kind() == Preset.Kind.MIDNIGHT) {
      double owed = preset.users() * (double) countdown.greetings() * members;
      out.add(String.format("the burst: %,d greeting(s) within %d s of 00:00 owe %,.0f deliveries; at about %,.0f a "
          + "second a node needs ~%.0f s to deliver them", preset.users() * (long) countdown.greetings(),
        countdown.windowSeconds(), owed, NODE_DELIVERIES_PER_SECOND, owed / NODE_DELIVERIES_PER_SECOND));
    }
    return out;
  }

  private static String plain(double v) {
    return new BigDecimal(v).round(new MathContext(2)).stripTrailingZeros().toPlainString();
  }
}
