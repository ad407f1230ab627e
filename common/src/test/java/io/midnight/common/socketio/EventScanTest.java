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
    assertThat(EventScan.frame(f).startsWith(MESSAGE)).isTrue();
    assertThat(EventScan.frame(f).longValue(SEQ)).isEqualTo(123_456_789_012L);
    int end = EventScan.frame(f).stringEnd(TEXT);
    int start = EventScan.frame(f).valueAt(TEXT) + 1;
    String raw = f.getString(start, end);
    assertThat(new JsonObject("{\"t\":\"" + raw + "\"}").getString("t")).as("the bytes between the quotes")
      .isEqualTo(text);
  }

  @Test
  void aKeyInsideAStringIsNotTheKey() {
    Buffer f = frame(new JsonObject().put("text", "x\"seq\":5").put("seq", 6));
    assertThat(EventScan.frame(f).longValue(SEQ)).isEqualTo(6);
  }

  @Test
  void whatIsNotAWholeNumberIsAbsent() {
    assertThat(EventScan.frame(frame(new JsonObject().put("seq", "7"))).longValue(SEQ)).isEqualTo(EventScan.ABSENT);
    assertThat(EventScan.frame(frame(new JsonObject().put("seq", 7.5))).longValue(SEQ)).isEqualTo(EventScan.ABSENT);
    assertThat(EventScan.frame(frame(new JsonObject().put("other", 7))).longValue(SEQ)).isEqualTo(EventScan.ABSENT);
    assertThat(EventScan.frame(Buffer.buffer("42[\"message\",{\"seq\":-3}]")).longValue(SEQ)).isEqualTo(-3);
    assertThat(EventScan.frame(Buffer.buffer("42[\"message\",{\"seq\": 12}]")).longValue(SEQ)).isEqualTo(12);
    assertThat(EventScan.frame(Buffer.buffer("42[\"message\",{\"seq\":")).longValue(SEQ)).isEqualTo(EventScan.ABSENT);
  }

  @Test
  void otherFramesAreNotDeliveries() {
    assertThat(EventScan.frame(Buffer.buffer("430[{\"seq\":1}]")).startsWith(MESSAGE)).isFalse();
    assertThat(EventScan.frame(Buffer.buffer("42[\"presence\",{}]")).startsWith(MESSAGE)).isFalse();
    assertThat(EventScan.frame(Buffer.buffer("2")).startsWith(MESSAGE)).isFalse();
    assertThat(EventScan.frame(Buffer.buffer("42[\"message\",{\"text\":5}]")).stringEnd(TEXT)).isEqualTo(-1);
    assertThat(EventScan.frame(Buffer.buffer("42[\"message\",{\"text\":\"open")).stringEnd(TEXT)).isEqualTo(-1);
  }

  @Test
  void aFrameInTheMiddleOfABiggerBufferIsReadInPlace() {
    Buffer whole = Buffer.buffer("junk42[\"message\",{\"seq\":41,\"text\":\"hi\"}]junk");
    EventScan.Frame f = EventScan.frame(whole.slice(4, whole.length() - 4));
    assertThat(f.length()).isEqualTo(whole.length() - 8);
    assertThat(f.startsWith(MESSAGE)).isTrue();
    assertThat(f.longValue(SEQ)).isEqualTo(41);
    assertThat(f.stringEnd(TEXT)).isEqualTo(f.valueAt(TEXT) + 3);
    assertThat(f.byteAt(f.stringEnd(TEXT) + 1)).isEqualTo((byte) '}');
  }

  @Test
  void readsPacketTypesAckIdsAndAnErrorAckItsCodeAndWait() {
    JsonObject refusal = new JsonObject().put("error", new JsonObject().put("code", "unavailable")
      .put("retryAfterMs", 250));
    EventScan.Frame ack = EventScan.frame(Buffer.buffer(EventFrames.ack(4021, refusal)));
    assertThat((char) ack.engineType()).isEqualTo(EnginePacket.MESSAGE);
    assertThat((char) ack.socketIoType()).isEqualTo('3');
    assertThat(ack.ackId()).isEqualTo(4021);
    assertThat(ack.has(EventScan.key("error"))).isTrue();
    assertThat(ack.stringIs(EventScan.key("code"), "unavailable")).isTrue();
    assertThat(ack.stringIs(EventScan.key("code"), "unavail")).isFalse();
    assertThat(ack.longValue(EventScan.key("retryAfterMs"))).isEqualTo(250);

    EventScan.Frame ok = EventScan.frame(Buffer.buffer(EventFrames.ack(0, new JsonObject().put("room", 1))));
    assertThat(ok.ackId()).isZero();
    assertThat(ok.has(EventScan.key("error"))).isFalse();
    assertThat(EventScan.frame(Buffer.buffer(EventFrames.engine(EventFrames.withoutOffset(
      EventFrames.prefix("message", 1))))).ackId())
      .as("an event without an ack id").isEqualTo(-1);
    assertThat(EventScan.frame(Buffer.buffer(EventFrames.PING)).socketIoType()).isZero();
    assertThat(EventScan.frame(Buffer.buffer("")).engineType()).isZero();
  }
}
