package io.midnight.bench;

import io.midnight.common.socketio.EventScan;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out bench's message text written and read back from a delivery's bytes, and its rate ladder. */
class BenchTextTest {

  private static EventScan.Frame frame(String text) {
    return EventScan.frame(Buffer.buffer(text));
  }

  @Test
  void aDeliveryGivesBackTheStepIntendedTimeAndNumberWithOrWithoutTheOffset() {
    long[] out = new long[3];
    String body = "{\"id\":7,\"room\":3,\"seq\":2,\"from\":\"b00001\",\"text\":\"b|4|123456789|42|Happy New Year!\",\"ts\":1}";
    for (String delivery : new String[] {"42[\"message\"," + body + "]", "42[\"message\"," + body + ",\"7\"]"}) {
      assertThat(BenchText.read(frame(delivery), out)).isTrue();
      assertThat(out).containsExactly(4, 123456789, 42);
    }
  }

  @Test
  void foreignAndTruncatedTextsAreNotBenchDeliveries() {
    long[] out = new long[3];
    assertThat(BenchText.read(frame("42[\"message\",{\"text\":\"hello\"}]"), out)).isFalse();
    assertThat(BenchText.read(frame("42[\"message\",{\"text\":\"b|4|12\"}]"), out)).isFalse();
    assertThat(BenchText.read(frame("42[\"message\",{\"text\":\"b|x|1|2|Happy\"}]"), out)).isFalse();
  }

  @Test
  void theMessageFrameCarriesAckIdRoomTextAndClientMsgId() {
    assertThat(BenchText.message(12, 3, 1, 99, 7, "b00002-1-7")).isEqualTo(
      "4212[\"message\",{\"room\":3,\"text\":\"b|1|99|7|Happy New Year!\",\"clientMsgId\":\"b00002-1-7\"}]");
    assertThat(BenchText.join(5)).isEqualTo("420[\"join\",{\"room\":5}]");
    long[] out = new long[3];
    assertThat(BenchText.read(frame(BenchText.message(12, 3, 1, 99, 7, "c")), out)).as("read back").isTrue();
    assertThat(out).containsExactly(1, 99, 7);
  }

  @Test
  void ratesClimbInOneAndAHalfAndFourThirdSteps() {
    FanoutOptions options = new FanoutOptions(1000, 10, 5, 100, 800, (Path) null,
      List.of(FanoutOptions.Target.midnight), 1, 1, new FanoutOptions.Caps(10, 100), FanoutOptions.Overload.off(),
      List.of());
    assertThat(options.rates()).containsExactly(100.0, 150.0, 200.0, 300.0, 400.0, 600.0, 800.0);
    assertThat(FanoutOptions.defaultStartRate(1000, 10)).isEqualTo(100);
  }
}
