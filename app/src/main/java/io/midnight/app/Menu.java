package io.midnight.app;

import io.midnight.common.config.Defaults;
import io.midnight.loadtest.Countdown;
import io.midnight.loadtest.Preset;
import io.midnight.loadtest.Workers;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The seed's menu, on a terminal: a Midnight server starts once (a child process, {@link ServerProcess}), then
 * each choice runs a preset (or a custom run) against it and shows the verified result, until 0. A choice with more
 * users than one process holds ({@code loadtest.usersPerWorker}) runs them in load worker processes.
 */
final class Menu {

  private final BufferedReader in;
  private final PrintStream out;

  Menu(BufferedReader in, PrintStream out) {
    this.in = in;
    this.out = out;
  }

  /** {@code dataDir}: where the server keeps its data; null for a temporary one, which goes with the server. */
  int run(Path dataDir) throws IOException, InterruptedException {
    Vertx vertx = MidnightNode.vertx();
    Path data = dataDir != null ? dataDir : Files.createTempDirectory("midnight-menu-");
    int perWorker = Defaults.section(MidnightNode.config(vertx, null, new JsonObject()).await(), "loadtest")
      .getInteger("usersPerWorker");
    try (ServerProcess server = ServerProcess.start(data, dataDir == null, out)) {
      URI target = server.url;
      while (true) {
        printMenu();
        String choice = ask("Choose 0-9");
        if (choice == null || choice.equals("0")) {
          out.println("bye");
          return 0;
        }
        Preset preset = preset(choice);
        if (preset != null) {
          int workers = Workers.needed(preset.users(), perWorker); // Mega, Ultra, Custom past one process
          LoadRunner.run(vertx, preset, Countdown.DEFAULT, target, null, null, out,
            test -> test.workers(workers > 0 ? Workers.local(workers) : null));
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  private void printMenu() {
    out.println();
    out.println("🎆 Midnight load test");
    List<Preset> presets = Preset.CATALOG;
    for (int i = 0; i < presets.size(); i++) {
      Preset p = presets.get(i);
      out.printf("  %d  %-8s %,6d users, %2d rooms, %3d s, %s msgs/s per user%n", i + 1, capitalized(p.name()),
        p.users(), p.rooms(), p.durationSeconds(), BigDecimal.valueOf(p.ratePerUser()).stripTrailingZeros()
          .toPlainString());
    }
    out.println("  7  Custom   choose users, rooms, duration and rate");
    out.println("  8  Connect  connection test only: connect, hold, disconnect");
    out.println("  9  Midnight a countdown, then every user greets within 1 s of 00:00");
    out.println("  0  Exit");
  }

  /** The preset of a choice, or null (after saying why) for an invalid one. */
  private Preset preset(String choice) throws IOException {
    if (choice.matches("[1-6]")) {
      return Preset.CATALOG.get(Integer.parseInt(choice) - 1);
    }
    if (!choice.matches("[789]")) {
      out.println("  '" + choice + "' is not on the menu: type a number from 0 to 9");
      return null;
    }
    try {
      if (choice.equals("9")) {
        int users = Integer.parseInt(ask("users (1..19000)"));
        int rooms = Integer.parseInt(ask("rooms (1.." + users + ")"));
        return Preset.MIDNIGHT.with(users, rooms, null, null);
      }
      if (choice.equals("8")) {
        int users = Integer.parseInt(ask("connections (1..19000)"));
        int seconds = Integer.parseInt(ask("seconds to hold them"));
        return Preset.CONNECTIONS.with(users, Math.min(users, Preset.CONNECTIONS.rooms()), seconds, null);
      }
      int users = Integer.parseInt(ask("users (1..19000)"));
      int rooms = Integer.parseInt(ask("rooms"));
      int seconds = Integer.parseInt(ask("duration in seconds"));
      double rate = Double.parseDouble(ask("messages per second per user (e.g. 0.5)"));
      return new Preset("custom", users, rooms, seconds, rate);
    } catch (NumberFormatException | NullPointerException e) {
      out.println("  that is not a number; back to the menu");
    } catch (IllegalArgumentException e) {
      out.println("  " + e.getMessage());
    }
    return null;
  }

  private String ask(String prompt) throws IOException {
    out.print(prompt + ": ");
    out.flush();
    String line = in.readLine();
    return line == null ? null : line.trim();
  }

  private static String capitalized(String name) {
    return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }
}
