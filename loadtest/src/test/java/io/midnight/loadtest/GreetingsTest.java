package io.midnight.loadtest;

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
  void otherTextsHaveNoTag() {
    assertThat(Greetings.tag("Happy New Year!")).isNull();
    assertThat(Greetings.tag("price ~5.5")).isNull();
    assertThat(Greetings.tag("see ~a.b.c")).isNull();
  }
}
