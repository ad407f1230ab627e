package io.midnight.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which HTTP answers name a wait after which the same call is made again. */
class TargetApiTest {

  private static final String REFUSED =
    "{\"error\":{\"code\":\"unavailable\",\"message\":\"node overloaded\",\"retryAfterMs\":250}}";

  @Test
  void theBodysRetryAfterMsComesFirstThenTheHeader() {
    assertThat(TargetApi.retryAfterMillis(503, "1", REFUSED)).isEqualTo(250);
    assertThat(TargetApi.retryAfterMillis(503, "2", "{\"error\":{\"code\":\"unavailable\"}}")).isEqualTo(2_000);
    assertThat(TargetApi.retryAfterMillis(429, "1", "not json")).isEqualTo(1_000);
  }

  @Test
  void anAnswerThatNamesNoWaitIsNotRepeated() {
    assertThat(TargetApi.retryAfterMillis(503, null, "{\"error\":{\"code\":\"unavailable\"}}")).isEqualTo(-1);
    assertThat(TargetApi.retryAfterMillis(503, "Wed, 21 Oct 2015 07:28:00 GMT", "")).isEqualTo(-1);
    assertThat(TargetApi.retryAfterMillis(400, "1", REFUSED)).as("only 503 and 429 ask to come back").isEqualTo(-1);
  }
}
