package io.midnight.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The shape of a fan-out run: {@code conns} sockets spread evenly over {@code rooms} rooms, steps of {@code
 * stepSeconds} seconds at rising inbound rates from {@code startRate} up to {@code maxRate} messages/s, the targets
 * in the order they run, {@code loadClients} client event loops, {@code bareLoops} event loops for the bare server,
 * the client's in-flight caps, the overload mode, JVM options for the Java targets and an optional JSON report.
 */
public record FanoutOptions(int conns, int rooms, int stepSeconds, int startRate, int maxRate, Path json,
                            List<Target> targets, int loadClients, int bareLoops, Caps caps, Overload overload,
                            List<String> serverJavaOptions) {

  /** A server the bench can start and measure. */
  public enum Target {
    midnight("Midnight"), bare("bare"), socketio("socket.io");

    public final String label;

    Target(String label) {
      this.label = label;
    }

    /** {@code "midnight,bare"} and the like, in the order given, each once; {@code socket.io} and {@code node} name socketio. */
    public static List<Target> parse(String list) {
      Set<Target> targets = new LinkedHashSet<>();
      for (String part : list.split(",")) {
        String name = part.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        targets.add(switch (name) {
          case "midnight" -> midnight;
          case "bare" -> bare;
          case "socketio", "socket.io", "node" -> socketio;
          default -> throw new IllegalArgumentException("unknown target '" + part.trim()
            + "': choose from midnight, bare, socketio");
        });
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("--targets names no target: choose from midnight, bare, socketio");
      }
      return List.copyOf(targets);
    }
  }

  /**
   * What the client may have waiting for an ack (retries included): per socket and in all; a send that finds
   * either full is not sent and counted, so the client's memory stays bounded however slow the server is.
   */
  public record Caps(int perSocket, int total) {
    public Caps {
      if (perSocket < 1 || total < 1) {
        throw new IllegalArgumentException("the in-flight caps must be >= 1");
      }
    }
  }

  /**
   * {@code --overload}: capacity found by the steps (or given, in deliveries/s), then each of {@code factors}
   * times it for {@code seconds}.
   */
  public record Overload(boolean enabled, Double capacity, int seconds, List<Double> factors) {
    public Overload {
      if (seconds < 1 || (capacity != null && capacity <= 0) || factors.isEmpty()
        || factors.stream().anyMatch(f -> f <= 0)) {
        throw new IllegalArgumentException("need --overload-seconds >= 1, --capacity > 0 and factors > 0");
      }
      factors = List.copyOf(factors);
    }

    public static Overload off() {
      return new Overload(false, null, 60, List.of(2.0, 4.0));
    }
  }

  private static final int MAX_STEPS = 40;

  public FanoutOptions {
    if (conns < 1 || rooms < 1 || rooms > conns || stepSeconds < 1 || startRate < 1 || maxRate < startRate
      || loadClients < 1 || loadClients > conns || bareLoops < 1 || targets.isEmpty()) {
      throw new IllegalArgumentException("need conns >= rooms >= 1, step-seconds >= 1, 1 <= start-rate <= max-rate,"
        + " 1 <= load-clients <= conns, bare-loops >= 1");
    }
    targets = List.copyOf(targets);
    serverJavaOptions = List.copyOf(serverJavaOptions);
  }

  /** A first step of about 10,000 deliveries/s: each message goes to every socket of its room. */
  public static int defaultStartRate(int conns, int rooms) {
    return (int) Math.max(1, Math.round(10_000.0 / Math.max(1, conns / Math.max(1, rooms))));
  }

  /** Deliveries per message, on average over the rooms. */
  double membersPerRoom() {
    return (double) conns / rooms;
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
