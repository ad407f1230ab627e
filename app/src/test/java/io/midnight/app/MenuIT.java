package io.midnight.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./midnight} with no command: on a pseudo-terminal (util-linux {@code script}) it shows the seed's menu,
 * runs a custom test against its embedded server with the in-place live view, and exits on 0; without a
 * terminal it never waits for input.
 */
class MenuIT {

  @TempDir
  Path dir;

  @Test
  void theMenuRunsACustomTestOnATerminal() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder("script", "-qfec", java + " -jar " + MidnightProcess.jar(), "/dev/null")
      .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("screen.txt").toFile()).start();
    // a wrong choice, then Custom: 6 users, 2 rooms, 3 s, 1 msg/s each; then Exit
    process.getOutputStream().write("x\n7\n6\n2\n3\n1\n0\n".getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String screen = Files.readString(dir.resolve("screen.txt"));
    assertThat(exited).as("the menu exits on 0; screen:%n%s", screen).isTrue();
    assertThat(process.exitValue()).as(screen).isZero();
    assertThat(screen).contains("🎆 Midnight load test", "1  Quick", "6  Ultra", "7  Custom", "8  Connect", "9  Midnight", "0  Exit",
      "'x' is not on the menu", "custom, 6 users in 2 rooms for 3 s", "verified: 0 lost, 0 duplicated, 0 out of order",
      "bye");
    assertThat(screen).as("the live view redraws in place on a terminal")
      .contains("connected [##############################] 6 / 6", "sending   [", "\033[1A\033[2K");
    try (var reports = Files.list(dir.resolve("reports"))) {
      List<Path> runs = reports.toList();
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).resolve("report.json")).exists();
    }
  }

  @Test
  void withoutATerminalItSaysHowToRunAndDoesNotWait() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-jar", MidnightProcess.jar().toString()).redirectErrorStream(true)
      .start();
    boolean exited = process.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("no terminal: no menu, no wait").isTrue();
    assertThat(out).contains("no terminal", "./midnight load --preset quick");
  }
}
