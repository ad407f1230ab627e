package io.midnight.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code midnight load} with its users in load worker processes, each a real JVM on the control channel, against
 * the real server the command starts: the merged report of two workers is the report of one process for the same
 * load; a worker killed with SIGKILL mid-run fails the verdict and says which; a per-worker cap lowered in config
 * makes a run that fits one process use two; more users than one gateway process holds run on a local cluster.
 */
class LoadWorkersIT {

  private static final String[] LOAD = {"load", "--preset", "quick", "--users", "40", "--rooms", "4", "--duration",
    "5", "--rate", "1"};

  @TempDir
  Path dir;

  private record Run(int exit, JsonObject report, String output) {
  }

  @Test
  void twoWorkersMakeTheReportOfOneProcess() throws Exception {
    Run one = load("one", Map.of(), "--workers", "0");
    Run two = load("two", Map.of(), "--workers", "2");

    for (Run run : List.of(one, two)) {
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(verdict(run)).isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
    }
    assertThat(one.report().getJsonArray("workers")).isEmpty();
    JsonArray workers = two.report().getJsonArray("workers");
    assertThat(workers).hasSize(2);
    for (Object w : workers) {
      JsonObject worker = (JsonObject) w;
      assertThat(worker.getLong("users")).isEqualTo(20);
      assertThat(worker.getLong("joined")).isEqualTo(20);
      assertThat(worker.getString("state")).isEqualTo("finished");
    }

    JsonObject oneTotals = one.report().getJsonObject("totals");
    JsonObject twoTotals = two.report().getJsonObject("totals");
    assertThat(oneTotals.getLong("sent")).as("40 users x 5 s x 1 msg/s").isEqualTo(200);
    for (String field : List.of("users", "connected", "sent", "acked", "delivered", "expectedDeliveries")) {
      assertThat(twoTotals.getLong(field)).as(field).isEqualTo(oneTotals.getLong(field));
    }
    assertThat(twoTotals.getLong("delivered")).as("every member of a room of 10 gets every message").isEqualTo(2_000);
    JsonObject oneVerification = one.report().getJsonObject("verification");
    JsonObject twoVerification = two.report().getJsonObject("verification");
    assertThat(twoVerification.getLong("acked")).isEqualTo(oneVerification.getLong("acked"));
    assertThat(twoVerification.getLong("stored")).isEqualTo(oneVerification.getLong("stored"));
    assertThat(members(two)).isEqualTo(members(one));
    // the workers' histograms and seconds were merged, not dropped
    JsonObject latency = two.report().getJsonObject("latency");
    assertThat(latency.getJsonObject("ackMs").getLong("count")).isEqualTo(200);
    assertThat(latency.getJsonObject("endToEndMs").getLong("count")).isEqualTo(2_000);
    long timelineDelivered = two.report().getJsonArray("timeline").stream()
      .mapToLong(p -> ((JsonObject) p).getLong("delivered")).sum();
    assertThat(timelineDelivered).isEqualTo(2_000);
    assertThat(two.report().getJsonObject("client").getInteger("workers")).isEqualTo(2);
  }

  @Test
  void aWorkerKilledMidRunFailsTheVerdictAndSaysWhich() throws Exception {
    Path out = dir.resolve("killed.log");
    List<String> command = command("killed", "load", "--preset", "quick", "--users", "40", "--rooms", "4", "--duration",
      "30", "--rate", "1", "--workers", "2");
    Process load = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> Files.readString(out).contains("] send ") || !load.isAlive());
      assertThat(Files.readString(out)).as("sending started").contains("] send ");
      Thread.sleep(2_000); // deliberate: the run goes on for a while before a worker dies in the middle of it
      ProcessHandle victim = load.descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("io.midnight.loadtest.LoadWorker"))
        .findFirst().orElseThrow(() -> new AssertionError("no load worker process under " + load.pid()));
      new ProcessBuilder("kill", "-9", String.valueOf(victim.pid())).inheritIO().start().waitFor();

      assertThat(load.waitFor(180, TimeUnit.SECONDS)).as("the run ends without the worker").isTrue();
      String output = Files.readString(out);
      assertThat(load.exitValue()).as(output).isEqualTo(1);
      JsonObject report = new JsonObject(Files.readString(dir.resolve("killed").resolve("report.json")));
      assertThat(report.getJsonObject("verification").getString("verdict"))
        .startsWith("FAILED: not verified: load worker").contains("process " + victim.pid());
      assertThat(report.getJsonArray("workers").stream().map(w -> ((JsonObject) w).getString("state")))
        .anyMatch(state -> state.contains("ended"));
      assertThat(output).contains("FAILED: not verified");
    } finally {
      load.destroyForcibly().waitFor();
    }
  }

  @Test
  void aPerWorkerCapLoweredInConfigSpreadsTheUsersOverTwoWorkers() throws Exception {
    Run run = load("capped", Map.of("MIDNIGHT_LOADTEST_USERS_PER_WORKER", "25"));

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("load workers: 2 on this machine");
    assertThat(run.report().getJsonArray("workers")).hasSize(2);
    assertThat(verdict(run)).isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
  }

  @Test
  void moreUsersThanOneGatewayHoldsRunOnALocalClusterAndVerify() throws Exception {
    Run run = load("cluster", Map.of("MIDNIGHT_LOADTEST_USERS_PER_GATEWAY", "20",
      "MIDNIGHT_LOADTEST_USERS_PER_WORKER", "20"));

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("a services node and 2 gateway nodes");
    JsonArray gateways = run.report().getJsonObject("config").getJsonArray("gateways");
    assertThat(gateways).as("the users' sockets spread over both gateway nodes").hasSize(2);
    assertThat(run.report().getJsonArray("workers")).hasSize(2);
    assertThat(run.report().getJsonObject("totals").getLong("delivered")).isEqualTo(2_000);
    assertThat(verdict(run)).as("the store behind both gateways matched the acks")
      .isEqualTo("verified: 0 lost, 0 duplicated, 0 out of order");
  }

  private Run load(String name, Map<String, String> env, String... extra) throws Exception {
    List<String> command = command(name, LOAD);
    command.addAll(List.of(extra));
    Path out = dir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("midnight load did not end within 180 s:" + MidnightProcess.tail(out));
    }
    Path report = dir.resolve(name).resolve("report.json");
    String output = Files.readString(out);
    assertThat(report).as(output).exists();
    return new Run(process.exitValue(), new JsonObject(Files.readString(report)), output);
  }

  private List<String> command(String name, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-jar", MidnightProcess.jar().toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--report", dir.resolve(name).toString()));
    return command;
  }

  private static String verdict(Run run) {
    return run.report().getJsonObject("verification").getString("verdict");
  }

  private static List<Integer> members(Run run) {
    return run.report().getJsonObject("verification").getJsonArray("rooms").stream()
      .map(r -> ((JsonObject) r).getInteger("members")).toList();
  }
}
