package io.midnight.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The report as a few lines for a terminal, ending with the verification verdict. */
public final class ConsoleSummary {

  private ConsoleSummary() {
  }

  public static String of(JsonObject report) {
    JsonObject t = report.getJsonObject("totals");
    JsonObject l = report.getJsonObject("latency");
    JsonObject v = report.getJsonObject("verification");
    StringBuilder out = new StringBuilder();
    out.append(String.format("%n%s against %s, %.1f s (run %s)%n", report.getString("preset"),
      report.getString("target"), report.getDouble("durationSeconds"), report.getString("runId")));
    out.append(String.format("  users %,d (connected %,d, reconnects %,d)%n", t.getLong("users"),
      t.getLong("connected"), t.getLong("reconnects")));
    JsonObject connect = report.getJsonObject("connect");
    if (connect != null) {
      out.append(String.format("  connect: %,d joined in %.2f s, %,d connects+joins/s (window %,d)%n",
        connect.getLong("joined"), connect.getDouble("seconds"), connect.getLong("joinsPerSecond"),
        connect.getLong("window")));
    }
    out.append(String.format("  sent %,d  acked %,d  retries %,d  delivered %,d of %,d  errors %s%n",
      t.getLong("sent"), t.getLong("acked"), t.getLong("retries"), t.getLong("delivered"),
      t.getLong("expectedDeliveries"), t.getJsonObject("errors").isEmpty() ? "none" : t.getJsonObject("errors").encode()));
    if (t.getLong("refused", 0L) + t.getLong("skippedClientCap", 0L) + t.getLong("writeQueueFull", 0L) > 0) {
      out.append(String.format("  refused %,d (sent again later)  skipped %,d (client cap)  write queue full %,d%n",
        t.getLong("refused", 0L), t.getLong("skippedClientCap", 0L), t.getLong("writeQueueFull", 0L)));
    }
    out.append(String.format("  %-12s %8s %8s %8s %8s %8s%n", "latency ms", "p50", "p90", "p99", "p99.9", "max"));
    for (String kind : new String[] {"ackMs", "endToEndMs", "connectMs"}) {
      JsonObject h = l.getJsonObject(kind);
      out.append(String.format("  %-12s %8.2f %8.2f %8.2f %8.2f %8.2f%n", kind.replace("Ms", ""), h.getDouble("p50"),
        h.getDouble("p90"), h.getDouble("p99"), h.getDouble("p999"), h.getDouble("max")));
    }
    JsonObject c = report.getJsonObject("connections");
    if (c != null) {
      out.append(String.format("  connections: %,d attempted, %,d joined, %,d held throughout, %,d connects/s%n",
        c.getLong("attempted"), c.getLong("joined"), c.getLong("minHeld"), c.getLong("connectPerSecond")));
    } else {
      out.append(v.getLong("stored") == null ? String.format("  acked %,d (store not checked: not a Midnight server)%n",
        v.getLong("acked")) : String.format("  stored %,d, acked %,d%n", v.getLong("stored"), v.getLong("acked")));
    }
    JsonObject m = report.getJsonObject("midnight");
    if (m != null) {
      out.append(String.format("  midnight: %,d greetings due in the %d s window after a %d s countdown sent; the last "
          + "acked %s and delivered %s after 00:00 (%,d of %,d deliveries); peak %,d deliveries/s; backlog acked %s%n",
        m.getLong("burstSent", 0L), m.getInteger("windowSeconds"), m.getInteger("countdownSeconds"),
        seconds(m.getDouble("burstAckedWithinSeconds")), seconds(m.getDouble("burstDeliveredWithinSeconds")),
        m.getLong("burstDelivered", 0L), m.getLong("burstDeliveriesOwed", 0L), m.getLong("peakDeliveriesPerSecond", 0L),
        m.getValue("backlogClearedSeconds") != null ? m.getDouble("backlogClearedSeconds") + " s after the window" : "never"));
    }
    JsonObject client = report.getJsonObject("client");
    if (client != null && client.containsKey("cpuSeconds")) {
      int workers = client.getInteger("workers", 0);
      out.append(String.format("  load generator: %,d sockets%s, %.1f CPU s; %,d sends and %,d deliveries per CPU s%s%n",
        client.getInteger("socketsHeld"), workers > 0 ? " in " + workers + " worker processes" : "",
        client.getDouble("cpuSeconds"), client.getLong("sentPerCpuSecond"),
        client.getLong("deliveriesPerCpuSecond"), client.containsKey("deliveriesPerCpuSecondFromFirstSend")
          ? String.format(" (%,d per CPU s from the first send on)", client.getLong("deliveriesPerCpuSecondFromFirstSend"))
          : ""));
    }
    report.getJsonArray("warnings", new JsonArray())
      .forEach(w -> out.append("  warning: ").append(w).append('\n'));
    out.append("  ").append(v.getString("verdict")).append('\n');
    return out.toString();
  }

  private static String seconds(Double s) {
    return s == null ? "never" : s + " s";
  }
}
