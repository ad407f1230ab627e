package io.midnight.app.bench;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out bench's frame writers and byte-level readers, and its rate ladder (no timing involved). */
class FramesTest {

  @Test
  void aDeliveryGivesBackTheStepAndIntendedTimeWithOrWithoutTheOffset() {
    long[] out = new long[2];
    String body = "{\"id\":7,\"room\":3,\"seq\":2,\"from\":\"b00001\",\"text\":\"b|4|123456789|Happy New Year!\",\"ts\":1}";
    for (String frame : new String[] {"42[\"message\"," + body + "]", "42[\"message\"," + body + ",\"7\"]"}) {
      assertThat(Frames.isMessageEvent(Buffer.buffer(frame))).isTrue();
      assertThat(Frames.readBenchText(Buffer.buffer(frame), out)).isTrue();
      assertThat(out).containsExactly(4, 123456789);
    }
  }

  @Test
  void otherEventsAndForeignTextsAreNotBenchDeliveries() {
    long[] out = new long[2];
    assertThat(Frames.isMessageEvent(Buffer.buffer("42[\"presence\",{\"room\":1,\"online\":3},\"9\"]"))).isFalse();
    assertThat(Frames.readBenchText(Buffer.buffer("42[\"message\",{\"text\":\"hello\"}]"), out)).isFalse();
  }

  @Test
  void theMessageFrameCarriesAckIdRoomTextAndClientMsgId() {
    assertThat(Frames.message(12, 3, 1, 99, "b00002-12")).isEqualTo(
      "4212[\"message\",{\"room\":3,\"text\":\"b|1|99|Happy New Year!\",\"clientMsgId\":\"b00002-12\"}]");
    assertThat(Frames.join(5)).isEqualTo("420[\"join\",{\"room\":5}]");
  }

  @Test
  void acksGiveTheirIdAndTellErrorsApart() {
    assertThat(Frames.ackId(Buffer.buffer("4312[{\"id\":1,\"seq\":1,\"ts\":5}]"))).isEqualTo(12);
    assertThat(Frames.ackId(Buffer.buffer("43[]"))).isEqualTo(-1);
    assertThat(Frames.hasError(Buffer.buffer("4312[{\"id\":1,\"seq\":1,\"ts\":5}]"))).isFalse();
    assertThat(Frames.hasError(Buffer.buffer("437[{\"error\":{\"code\":\"not_member\",\"message\":\"x\"}}]"))).isTrue();
  }

  @Test
  void ratesClimbInOneAndAHalfAndFourThirdSteps() {
    FanoutOptions options = new FanoutOptions(1000, 10, 5, 100, 800, (Path) null, FanoutOptions.Targets.both, 1);
    assertThat(options.rates()).containsExactly(100.0, 150.0, 200.0, 300.0, 400.0, 600.0, 800.0);
    assertThat(FanoutOptions.defaultStartRate(1000, 10)).isEqualTo(100);
  }
}
