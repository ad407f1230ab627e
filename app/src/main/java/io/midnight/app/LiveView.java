package io.midnight.app;

import io.midnight.loadtest.LoadTestVerticle;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * The in-place progress view of a run on a terminal: a block of lines redrawn twice a second (progress bars for
 * the phases, counts, joins/s, rates, ack p99, refusals, skipped sends, errors), with event lines (countdown, warnings) printed above it.
 * Not thread-safe by itself: {@link #accept} and {@link #redraw} are synchronized.
 */
final class LiveView implements Consumer<String> {

  private static final int BAR = 30;
  private final PrintStream out;
  private LoadTestVerticle test;
  private int drawn;

  LiveView(PrintStream out) {
    this.out = out;
  }

  void watch(LoadTestVerticle watched) {
    this.test = watched;
  }

  /** An event line: goes above the live block. */
  @Override
  public synchronized void accept(String line) {
    clear();
    out.println(line);
    draw();
  }

  synchronized void redraw() {
    clear();
    draw();
  }

  /** Leaves the last state on screen and stops redrawing over it. */
  synchronized void finish() {
    drawn = 0;
  }

  private void clear() {
    for (int i = 0; i < drawn; i++) {
      out.print("\033[1A\033[2K");
    }
    drawn = 0;
  }

  private void draw() {
    if (test == null) {
      return;
    }
    JsonObject p = test.progress();
    long users = p.getLong("users");
    String phase = p.getString("phase");
    line(String.format("  %-8s %5.1f s", phase, p.getDouble("seconds")));
    if (!p.containsKey("sent")) {
      out.flush();
      return;
    }
    line("  connected " + bar(p.getLong("joined"), users) + String.format(" %,d / %,d  (%,d joins/s)",
      p.getLong("joined"), users, p.getLong("connectPerSecond")));
    boolean sending = "send".equals(phase) || "drain".equals(phase) || "verify".equals(phase);
    double sendShare = "send".equals(phase) ? Math.min(1, p.getDouble("seconds") / Math.max(1, p.getLong(
      "durationSeconds"))) : sending ? 1 : 0;
    if (!"connections".equals(p.getString("kind"))) {
      line("  sending   " + bar((long) (sendShare * 1000), 1000) + String.format(" sent %,d  acked %,d  received %,d",
        p.getLong("sent"), p.getLong("acked"), p.getLong("delivered")));
      line(String.format("  rate %,d msgs/s   ack p99 %.1f ms   retries %,d   refused %,d   skipped %,d   errors %,d",
        p.getLong("sentPerSecond"), p.getDouble("ackP99"), p.getLong("retries"), p.getLong("refused"),
        p.getLong("skippedClientCap"), p.getLong("errors")));
    } else {
      line(String.format("  errors %,d", p.getLong("errors")));
    }
    out.flush();
  }

  private void line(String text) {
    out.println(text);
    drawn++;
  }

  private static String bar(long done, long total) {
    int filled = total <= 0 ? 0 : (int) Math.min(BAR, done * BAR / total);
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
  }
}
