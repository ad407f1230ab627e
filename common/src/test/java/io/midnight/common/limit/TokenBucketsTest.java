package io.midnight.common.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketsTest {

  static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstThenTheRefillRate() {
    TokenBuckets<String> buckets = new TokenBuckets<>(2, 3);
    assertThat(buckets.acquire("a", 0)).isZero();
    assertThat(buckets.acquire("a", 0)).isZero();
    assertThat(buckets.acquire("a", 0)).isZero();
    assertThat(buckets.acquire("a", 0)).as("empty: half a second to the next token").isEqualTo(SECOND / 2);
    assertThat(buckets.acquire("b", 0)).as("keys are apart").isZero();
    assertThat(buckets.acquire("a", SECOND / 2)).isZero();
  }

  @Test
  void aCostTakesAllOrNothingAndMoreThanTheBurstNeverFits() {
    TokenBuckets<String> buckets = new TokenBuckets<>(1, 4);
    assertThat(buckets.acquire("a", 3, 0)).isZero();
    assertThat(buckets.acquire("a", 3, 0)).as("one left: two seconds to three").isEqualTo(2 * SECOND);
    assertThat(buckets.waitNanos("a", 1, 0)).as("the refused cost took nothing").isZero();
    assertThat(buckets.waitNanos("new", 5, 0)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void resetAndForgetIdleDropBuckets() {
    TokenBuckets<String> buckets = new TokenBuckets<>(1, 2);
    buckets.acquire("a", 2, 0);
    buckets.acquire("b", 1, 0);
    buckets.reset("a");
    assertThat(buckets.acquire("a", 2, 0)).isZero();
    buckets.forgetIdle(SECOND);
    assertThat(buckets.size()).as("b refilled after a second, a did not").isEqualTo(1);
  }

  @Test
  void refusesANonsenseRate() {
    assertThatThrownBy(() -> new TokenBuckets<String>(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
