package io.midnight.loadtest;

import io.midnight.common.socketio.EventFrames;
import io.midnight.common.socketio.EventScan;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A greeting carries who sent it and when it was due, so a receiver can spot one send stored twice. */
class GreetingsTest {

  @Test
  void aGreetingsTagReadsBack() {
    String text = Greetings.text(4_321, 17, 987_654_321_012L);
    assertThat(Greetings.MESSAGES).anyMatch(text::startsWith);
    assertThat(Greetings.tag(text)).isEqualTo(new Greetings.Tag(4_321, 17, 987_654_321_012L));
  }

  @Test
  void aGreetingsTagReadsBackFromTheFrameAsItArrived() {
    for (long due : new long[] {987_654_321_012L, -5L}) {
      String text = Greetings.text(4_321, 17, due);
      Buffer frame = Buffer.buffer(EventFrames.engine(EventFrames.withOffset(EventFrames.prefix("message",
        new JsonObject().put("seq", 3).put("text", text).put("ts", 1)), 8)));
      int end = EventScan.frame(frame).stringEnd(EventScan.key("text"));
      assertThat(Greetings.tag(EventScan.frame(frame), end)).isEqualTo(new Greetings.Tag(4_321, 17, due));
    }
  }

  @Test
  void otherTextsHaveNoTagInAFrameEither() {
    for (String text : new String[] {"Happy New Year!", "price ~5.5", "see ~a.b.c", "~1.2.3", "x~1.2.3", "1.2.3"}) {
      Buffer frame = Buffer.buffer("42[\"message\"," + new JsonObject().put("text", text).encode() + "]");
      assertThat(Greetings.tag(EventScan.frame(frame), EventScan.frame(frame).stringEnd(EventScan.key("text")))).as(text).isNull();
    }
  }

  @Test
  void otherTextsHaveNoTag() {
    assertThat(Greetings.tag("Happy New Year!")).isNull();
    assertThat(Greetings.tag("price ~5.5")).isNull();
    assertThat(Greetings.tag("see ~a.b.c")).isNull();
  }
}
