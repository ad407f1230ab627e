package io.midnight.loadtest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SendScheduleTest {

  static List<Long> times(SendSchedule s) {
    List<Long> out = new ArrayList<>();
    for (long at = s.first(); at < s.end() && out.size() < 10_000; at = s.next(at)) {
      out.add(at);
    }
    return out;
  }

  @Test
  void steadyIsOneEveryInterval() {
    assertThat(times(SendSchedule.steady(5, 10, 50))).containsExactly(5L, 15L, 25L, 35L, 45L);
  }

  @Test
  void midnightBurstsInItsWindowThenReturnsToTheBaseGrid() {
    // base every 1,000; burst x10 (every 100) in [3,000, 4,000); ends at 7,000
    List<Long> t = times(SendSchedule.midnight(0, 1_000, 7_000, 3_000, 4_000, 10));
    assertThat(t.stream().filter(x -> x < 3_000)).containsExactly(0L, 1_000L, 2_000L);
    assertThat(t.stream().filter(x -> x >= 3_000 && x < 4_000).count()).isEqualTo(10);
    assertThat(t.stream().filter(x -> x >= 4_000)).containsExactly(4_000L, 5_000L, 6_000L);
  }
}
