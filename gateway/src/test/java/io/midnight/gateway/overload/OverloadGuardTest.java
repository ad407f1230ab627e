package io.midnight.gateway.overload;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OverloadGuardTest {

  @Test
  void admitsUpToTheBoundThenRefusesWithARetryHint() {
    OverloadGuard guard = new OverloadGuard(new OverloadOptions(2, 200, 1_000), 1L << 30, 2, () -> 0);
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
    OverloadGuard guard = new OverloadGuard(new OverloadOptions(100, 200, 1_000), 1L << 30, 2, () -> 0);
    guard.reportLag(1, 900);
    JsonObject refusal = guard.admit();
    assertThat(refusal.getJsonObject("error").getString("message")).contains("900 ms behind");
    assertThat(refusal.getJsonObject("error").getLong("retryAfterMs")).isGreaterThanOrEqualTo(900);
    guard.reportLag(1, 3);
    assertThat(guard.admit()).isNull();
  }

  @Test
  void aFanOutBacklogPastItsBoundRefusesUntilItIsWorkedOff() {
    long[] backlog = {1_001};
    OverloadGuard guard = new OverloadGuard(new OverloadOptions(100, 200, 1_000), 1L << 30, 2, () -> backlog[0]);
    JsonObject refusal = guard.admit();
    assertThat(refusal.getJsonObject("error").getString("message")).contains("1001 deliveries waiting");
    assertThat(refusal.getJsonObject("error").getLong("retryAfterMs")).isGreaterThanOrEqualTo(1_000);
    assertThat(guard.stats().getLong("refusedBacklog")).isEqualTo(1);
    assertThat(guard.stats().getLong("refusedPending")).isZero();
    backlog[0] = 1_000;
    assertThat(guard.admit()).as("at the bound, not past it").isNull();
  }

  @Test
  void theDerivedBoundFollowsTheHeap() {
    OverloadOptions derived = new OverloadOptions(0, 200, 1_000);
    assertThat(derived.pendingSendsBound(1L << 30)).isEqualTo(4_096);       // 1 GiB / 4 / 64 KiB
    assertThat(derived.pendingSendsBound(64L << 20)).isEqualTo(OverloadOptions.MIN_PENDING_SENDS);
    assertThat(derived.pendingSendsBound(64L << 30)).isEqualTo(OverloadOptions.MAX_DERIVED_PENDING_SENDS);
    assertThat(new OverloadOptions(7, 200, 1_000).pendingSendsBound(64L << 30)).isEqualTo(7);
  }
}
