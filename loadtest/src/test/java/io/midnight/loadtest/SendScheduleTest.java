package io.midnight.loadtest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SendScheduleTest {

  static List<Long> times(SendSchedule s) {
    List<Long> out = new ArrayList<>();
    for (long at = s.start(); at < s.end() && out.size() < 10_000; at = s.next(at)) {
      out.add(at);
    }
    return out;
  }

  @Test
  void steadyIsOneEveryInterval() {
    assertThat(times(SendSchedule.steady(5, 10, 50))).containsExactly(5L, 15L, 25L, 35L, 45L);
  }

  @Test
  void midnightGreetsInsideTheWindowAndKeepsTheBaseGridOutsideIt() {
    // base every 1,000 from 0; 3 greetings in [3,000, 4,500); ends at 7,000
    SendSchedule s = SendSchedule.midnight(0, 1_000, 7_000, 3_000, 4_500, 3, new Random(1));
    List<Long> t = times(s);
    assertThat(t.stream().filter(x -> x < 3_000)).containsExactly(0L, 1_000L, 2_000L);
    assertThat(t.stream().filter(s::inBurst)).hasSize(3).allMatch(x -> x >= 3_000 && x < 4_500);
    assertThat(t.stream().filter(x -> x >= 4_500)).containsExactly(5_000L, 6_000L);
    assertThat(t).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void everyUserGreetsWhateverItsBaseRate() {
    // 10,000 users whose base interval (200 s) puts most first sends after the end of a 40 s run
    Random random = new Random(7);
    long second = 1_000_000_000L;
    long burstStart = 15 * second;
    long burstEnd = 17 * second;
    int greeted = 0;
    int early = 0;
    for (int user = 0; user < 10_000; user++) {
      long first = 200 * second * user / 10_000;
      SendSchedule s = SendSchedule.midnight(first, 200 * second, 40 * second, burstStart, burstEnd, 1, random);
      List<Long> t = times(s);
      greeted += (int) t.stream().filter(s::inBurst).count();
      early += (int) t.stream().filter(x -> x < burstStart).count();
    }
    assertThat(greeted).isEqualTo(10_000);
    assertThat(early).isEqualTo(750); // the base chat before 00:00: users whose grid starts in the first 15 s
  }

  @Test
  void manyGreetingsNeverShareAnInstant() {
    // 1,000 greetings drawn from 10,000 instants: some draws collide, every greeting is still sent on its own
    SendSchedule s = SendSchedule.midnight(0, 1_000_000_000, 1_000_000, 100, 10_100, 1_000, new Random(3));
    List<Long> t = times(s);
    assertThat(t).hasSize(1_001).doesNotHaveDuplicates(); // the base send at 0, then the greetings
  }
}
