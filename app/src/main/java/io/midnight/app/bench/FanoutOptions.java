package io.midnight.app.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a fan-out run: {@code conns} sockets spread evenly over {@code rooms} rooms, steps of {@code
 * stepSeconds} seconds at rising inbound rates from {@code startRate} up to {@code maxRate} messages/s, and an
 * optional JSON report file; both targets unless told otherwise; {@code loadClients} event loops drive the sockets.
 */
public record FanoutOptions(int conns, int rooms, int stepSeconds, int startRate, int maxRate, Path json,
                            Targets targets, int loadClients) {

  /** Which servers to measure. */
  public enum Targets { both, midnight, bare }

  private static final int MAX_STEPS = 40;

  public FanoutOptions {
    if (conns < 1 || rooms < 1 || rooms > conns || stepSeconds < 1 || startRate < 1 || maxRate < startRate
      || loadClients < 1 || loadClients > conns) {
      throw new IllegalArgumentException("need conns >= rooms >= 1, step-seconds >= 1, 1 <= start-rate <= max-rate,"
        + " 1 <= load-clients <= conns");
    }
  }

  /** A first step of about 10,000 deliveries/s: each message goes to every socket of its room. */
  public static int defaultStartRate(int conns, int rooms) {
    return (int) Math.max(1, Math.round(10_000.0 / Math.max(1, conns / Math.max(1, rooms))));
  }

  /** Inbound rates of the steps: 1, 1.5, 2, 3, 4, 6, 8, ... times the start rate, up to the maximum. */
  List<Double> rates() {
    List<Double> rates = new ArrayList<>();
    double rate = startRate;
    for (int i = 0; i < MAX_STEPS && rate <= maxRate; i++) {
      rates.add(rate);
      rate *= i % 2 == 0 ? 1.5 : 4.0 / 3.0;
    }
    return rates;
  }
}
