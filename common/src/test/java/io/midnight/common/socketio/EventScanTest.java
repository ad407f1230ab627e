package io.midnight.common.socketio;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fields read from frames as the codec writes them, without decoding them. */
class EventScanTest {

  private static final byte[] MESSAGE = EventScan.eventPrefix("message");
  private static final byte[] SEQ = EventScan.key("seq");
  private static final byte[] TEXT = EventScan.key("text");

  private static Buffer frame(JsonObject message) {
    return Buffer.buffer(EventFrames.engine(EventFrames.withOffset(EventFrames.prefix("message", message), 77)));
  }

  @Test
  void readsTheSeqAndFindsTheTextOfADelivery() {
    String text = "🎉 Happy \"New\" Year \\ \"seq\":1, ~3.4.5";
    Buffer f = frame(new JsonObject().put("id", 9).put("room", 2).put("seq", 123_456_789_012L).put("from", "ann")
      .put("text", text).put("ts", 1));
    assertThat(EventScan.startsWith(f, MESSAGE)).isTrue();
    assertThat(EventScan.longValue(f, SEQ)).isEqualTo(123_456_789_012L);
    int end = EventScan.stringEnd(f, TEXT);
    int start = EventScan.valueAt(f, TEXT) + 1;
    String raw = f.getString(start, end);
    assertThat(new JsonObject("{\"t\":\"" + raw + "\"}").getString("t")).as("the bytes between the quotes")
      .isEqualTo(text);
  }

  @Test
  void aKeyInsideAStringIsNotTheKey() {
    Buffer f = frame(new JsonObject().put("text", "x\"seq\":5").put("seq", 6));
    assertThat(EventScan.longValue(f, SEQ)).isEqualTo(6);
  }

  @Test
  void whatIsNotAWholeNumberIsAbsent() {
    assertThat(EventScan.longValue(frame(new JsonObject().put("seq", "7")), SEQ)).isEqualTo(EventScan.ABSENT);
    assertThat(EventScan.longValue(frame(new JsonObject().put("seq", 7.5)), SEQ)).isEqualTo(EventScan.ABSENT);
    assertThat(EventScan.longValue(frame(new JsonObject().put("other", 7)), SEQ)).isEqualTo(EventScan.ABSENT);
    assertThat(EventScan.longValue(Buffer.buffer("42[\"message\",{\"seq\":-3}]"), SEQ)).isEqualTo(-3);
    assertThat(EventScan.longValue(Buffer.buffer("42[\"message\",{\"seq\": 12}]"), SEQ)).isEqualTo(12);
    assertThat(EventScan.longValue(Buffer.buffer("42[\"message\",{\"seq\":"), SEQ)).isEqualTo(EventScan.ABSENT);
  }

  @Test
  void otherFramesAreNotDeliveries() {
    assertThat(EventScan.startsWith(Buffer.buffer("430[{\"seq\":1}]"), MESSAGE)).isFalse();
    assertThat(EventScan.startsWith(Buffer.buffer("42[\"presence\",{}]"), MESSAGE)).isFalse();
    assertThat(EventScan.startsWith(Buffer.buffer("2"), MESSAGE)).isFalse();
    assertThat(EventScan.stringEnd(Buffer.buffer("42[\"message\",{\"text\":5}]"), TEXT)).isEqualTo(-1);
    assertThat(EventScan.stringEnd(Buffer.buffer("42[\"message\",{\"text\":\"open"), TEXT)).isEqualTo(-1);
  }
}
