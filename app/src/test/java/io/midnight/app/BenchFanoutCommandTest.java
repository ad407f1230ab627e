package io.midnight.app;

import io.midnight.bench.FanoutOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static io.midnight.bench.FanoutOptions.Target.bare;
import static io.midnight.bench.FanoutOptions.Target.midnight;
import static io.midnight.bench.FanoutOptions.Target.socketio;
import static org.assertj.core.api.Assertions.assertThat;

/** How {@code midnight bench fanout}'s flags become its options (nothing is started). */
class BenchFanoutCommandTest {

  private static FanoutOptions parse(String... args) {
    BenchCommand.Fanout command = new BenchCommand.Fanout();
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Test
  void allThreeTargetsByDefaultAndMidnightAloneForOverload() {
    assertThat(parse().targets()).containsExactly(midnight, bare, socketio);
    assertThat(parse("--overload").targets()).containsExactly(midnight);
    assertThat(parse("--overload", "--targets", "bare,midnight").targets()).containsExactly(bare, midnight);
  }

  @Test
  void overloadTakesACapacityAndSecondsAndAsksTwiceAndFourTimes() {
    FanoutOptions.Overload overload = parse("--overload", "--capacity", "120000", "--overload-seconds", "10")
      .overload();
    assertThat(overload.enabled()).isTrue();
    assertThat(overload.capacity()).isEqualTo(120_000.0);
    assertThat(overload.seconds()).isEqualTo(10);
    assertThat(overload.factors()).containsExactly(2.0, 4.0);
  }

  @Test
  void capsLoopsAndJavaOptionsComeThrough() {
    FanoutOptions options = parse("--conns", "200", "--rooms", "4", "--load-clients", "3", "--bare-loops", "2",
      "--max-in-flight-per-socket", "8", "--max-in-flight", "900", "--server-java-opts", " -Xmx1g  -XX:+UseG1GC ");
    assertThat(options.loadClients()).isEqualTo(3);
    assertThat(options.bareLoops()).isEqualTo(2);
    assertThat(options.caps()).isEqualTo(new FanoutOptions.Caps(8, 900));
    assertThat(options.serverJavaOptions()).isEqualTo(List.of("-Xmx1g", "-XX:+UseG1GC"));
    assertThat(options.startRate()).isEqualTo(200); // 10,000 deliveries/s worth at 50 per room
  }
}
