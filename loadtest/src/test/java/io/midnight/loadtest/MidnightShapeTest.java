package io.midnight.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The midnight preset's base rate when users and rooms change, and what is said before such a run starts. */
class MidnightShapeTest {

  @Test
  void otherUsersAndRoomsKeepTheBaseFanOutNotTheRatePerUser() {
    Preset big = Preset.MIDNIGHT.with(10_000, 35, null, null);
    assertThat(Preset.MIDNIGHT.deliveriesPerSecond()).isEqualTo(20_000);
    assertThat(big.ratePerUser()).isEqualTo(0.007);
    assertThat(big.deliveriesPerSecond()).isBetween(19_000.0, 21_000.0);
  }

  @Test
  void aGivenRateIsKeptAsGiven() {
    assertThat(Preset.MIDNIGHT.with(10_000, 35, null, 0.2).ratePerUser()).isEqualTo(0.2);
    assertThat(Preset.named("ultra").orElseThrow().with(20_000, null, null, null).ratePerUser())
      .as("the chat presets keep their rate per user").isEqualTo(0.005);
  }

  @Test
  void theBurstIsAnnouncedWithWhatItOwes() {
    List<String> lines = LoadAdvice.lines(Preset.MIDNIGHT.with(10_000, 35, null, null), new Countdown(15, 2, 1, 0));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("10,000 greeting(s) within 2 s of 00:00 owe 2,857,143 deliveries");
  }

  @Test
  void aBaseRatePastWhatANodeServesIsWarnedWithARateThatFits() {
    List<String> lines = LoadAdvice.lines(Preset.MIDNIGHT.with(10_000, 35, null, 0.2), Countdown.DEFAULT);
    assertThat(lines.get(0)).startsWith("warning: this run asks 571,429 deliveries/s for 40 s")
      .contains("lower --rate (0.026 keeps it at 75,000/s)");
  }

  @Test
  void aCountdownTakesGreetingsNotAMultiplier() {
    assertThat(new Countdown(10, 1, 1, 0)).isEqualTo(Countdown.DEFAULT);
    assertThatThrownBy(() -> new Countdown(10, 1, 0, 0)).hasMessageContaining("1 to 1000 greetings per user");
  }
}
