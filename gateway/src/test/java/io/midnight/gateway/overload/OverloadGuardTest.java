package io.midnight.gateway.overload;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OverloadGuardTest {

  @Test
  void admitsUpToTheBoundThenRefusesWithARetryHint() {
    OverloadGuard guard = new OverloadGuard(new OverloadOptions(2, 200), 1L << 30, 2);
    assertThat(guard.admit()).isNull();
    assertThat(guard.admit()).isNull();
    JsonObject refusal = guard.admit();
    assertThat(refusal.getJsonObject("error").getString("code")).isEqualTo("unavailable");
    assertThat(refusal.getJsonObject("error").getLong("retryAfterMs"))
      .isBetween(OverloadGuard.MIN_RETRY_MILLIS, OverloadGuard.MAX_RETRY_MILLIS);
    guard.done();
    assertThat(guard.admit()).as("a slot freed by an answer is taken again").isNull();
    assertThat(guard.stats().getLong("refused")).isEqualTo(1);
  }

  @Test
  void aLoopBehindItsTimersRefusesUntilItCatchesUp() {
    OverloadGuard guard = new OverloadGuard(new OverloadOptions(100, 200), 1L << 30, 2);
    guard.reportLag(1, 900);
    JsonObject refusal = guard.admit();
    assertThat(refusal.getJsonObject("error").getString("message")).contains("900 ms behind");
    assertThat(refusal.getJsonObject("error").getLong("retryAfterMs")).isGreaterThanOrEqualTo(900);
    guard.reportLag(1, 3);
    assertThat(guard.admit()).isNull();
  }

  @Test
  void theDerivedBoundFollowsTheHeap() {
    OverloadOptions derived = new OverloadOptions(0, 200);
    assertThat(derived.pendingSendsBound(1L << 30)).isEqualTo(1_024);       // 1 GiB / 4 / 256 KiB
    assertThat(derived.pendingSendsBound(64L << 20)).isEqualTo(OverloadOptions.MIN_PENDING_SENDS);
    assertThat(derived.pendingSendsBound(64L << 30)).isEqualTo(OverloadOptions.MAX_DERIVED_PENDING_SENDS);
    assertThat(new OverloadOptions(7, 200).pendingSendsBound(64L << 30)).isEqualTo(7);
  }
}
