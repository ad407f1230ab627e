package io.midnight.app.bench;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out bench's frame writers and byte-level readers, and its rate ladder (no timing involved). */
class FramesTest {

  @Test
  void aDeliveryGivesBackTheStepIntendedTimeAndNumberWithOrWithoutTheOffset() {
    long[] out = new long[3];
    String body = "{\"id\":7,\"room\":3,\"seq\":2,\"from\":\"b00001\",\"text\":\"b|4|123456789|42|Happy New Year!\",\"ts\":1}";
    for (String frame : new String[] {"42[\"message\"," + body + "]", "42[\"message\"," + body + ",\"7\"]"}) {
      assertThat(Frames.isMessageEvent(Buffer.buffer(frame))).isTrue();
      assertThat(Frames.readBenchText(Buffer.buffer(frame), out)).isTrue();
      assertThat(out).containsExactly(4, 123456789, 42);
    }
  }

  @Test
  void otherEventsAndForeignTextsAreNotBenchDeliveries() {
    long[] out = new long[3];
    assertThat(Frames.isMessageEvent(Buffer.buffer("42[\"presence\",{\"room\":1,\"online\":3},\"9\"]"))).isFalse();
    assertThat(Frames.readBenchText(Buffer.buffer("42[\"message\",{\"text\":\"hello\"}]"), out)).isFalse();
  }

  @Test
  void theMessageFrameCarriesAckIdRoomTextAndClientMsgId() {
    assertThat(Frames.message(12, 3, 1, 99, 7, "b00002-1-7")).isEqualTo(
      "4212[\"message\",{\"room\":3,\"text\":\"b|1|99|7|Happy New Year!\",\"clientMsgId\":\"b00002-1-7\"}]");
    assertThat(Frames.join(5)).isEqualTo("420[\"join\",{\"room\":5}]");
  }

  @Test
  void acksGiveTheirIdAndTellErrorsApart() {
    assertThat(Frames.ackId(Buffer.buffer("4312[{\"id\":1,\"seq\":1,\"ts\":5}]"))).isEqualTo(12);
    assertThat(Frames.ackId(Buffer.buffer("43[]"))).isEqualTo(-1);
    assertThat(Frames.hasError(Buffer.buffer("4312[{\"id\":1,\"seq\":1,\"ts\":5}]"))).isFalse();
    assertThat(Frames.hasError(Buffer.buffer("437[{\"error\":{\"code\":\"not_member\",\"message\":\"x\"}}]"))).isTrue();
    assertThat(Frames.isUnavailable(Buffer.buffer("437[{\"error\":{\"code\":\"not_member\",\"message\":\"x\"}}]"))).isFalse();
  }

  @Test
  void aRefusalSaysUnavailableAndHowLongToWait() {
    Buffer refusal = Buffer.buffer("439[{\"error\":{\"code\":\"unavailable\",\"message\":\"busy\",\"retryAfterMs\":250}}]");
    assertThat(Frames.isUnavailable(refusal)).isTrue();
    assertThat(Frames.retryAfterMs(refusal)).isEqualTo(250);
    assertThat(Frames.retryAfterMs(Buffer.buffer("439[{\"error\":{\"code\":\"unavailable\",\"message\":\"x\"}}]")))
      .isEqualTo(-1);
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
